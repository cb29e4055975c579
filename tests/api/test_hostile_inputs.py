"""Requests a careless or hostile client sends: a file format where there is no table, a
deletion that would take the progress log with it, a body that is not a record, an
action on a missing record, an If-Match that is no entity tag. Never a 500, never a
write that should not happen, every answer in the reader's language."""

import datetime

import pytest
from django.urls import reverse

from cogwg.choices import PublicationState, ReportingPeriodStatus
from cogwg.cycles import progress_update_is_locked
from cogwg.models import ReportingPeriod
from stories.choices import StoryState
from tests import factories
from workplan.models import Milestone, Priority, ProgressUpdate, WorkPlan

pytestmark = pytest.mark.django_db


# 1. The API root has no table: no CSV, no XLSX.


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_api_root_in_a_file_format_is_a_404_as_the_schema_is(api, file_format):
    response = api.get("/api/v1/", {"format": file_format})
    schema = api.get("/api/v1/schema/", {"format": file_format})

    assert (response.status_code, schema.status_code) == (404, 404)
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": f"This address has no “{file_format}” format: it answers in json."}


@pytest.mark.parametrize("method", ["get", "head"])
def test_the_api_root_asked_for_csv_is_a_406_as_the_plan_status_is(api, method):
    plan = factories.WorkPlanFactory()

    response = getattr(api, method)("/api/v1/", HTTP_ACCEPT="text/csv")
    status = getattr(api, method)(f"/api/v1/work-plans/{plan.slug}/status/", HTTP_ACCEPT="text/csv")

    assert (response.status_code, status.status_code) == (406, 406)


def test_the_api_root_still_answers_json(api):
    response = api.get("/api/v1/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json()["milestones"] == "http://testserver/api/v1/milestones/"


def test_the_api_root_in_french_names_its_formats(api):
    response = api.get("/api/v1/", {"format": "csv", "lang": "fr"})

    assert response.status_code == 404
    assert response.json() == {
        "detail": "Cette adresse n'a pas de format «\u00a0csv\u00a0»\u00a0: elle répond en json."
    }


def api_addresses():
    """(URL name, kwargs) of every named address of the API, with records to address."""
    update = factories.ProgressUpdateFactory(publication_state=PublicationState.DRAFT)
    plan = update.milestone.priority.work_plan
    records = {
        "work-plan": {"slug": plan.slug},
        "priority": {"pk": update.milestone.priority_id},
        "milestone": {"pk": update.milestone_id},
        "progress-update": {"pk": update.pk},
        "jurisdiction": {"code": factories.JurisdictionFactory().code},
        "accomplishment": {"pk": factories.AccomplishmentFactory().pk},
        "challenge": {"pk": factories.ChallengeFactory().pk},
        "story": {"pk": factories.UserStoryFactory(state=StoryState.SUBMITTED).pk},
        "dataset": {"pk": factories.DatasetFactory().pk},
        "meeting": {"pk": factories.MeetingFactory().pk},
        "status-report": {"pk": factories.StatusReportFactory(work_plan=plan).pk},
    }
    from cogwg.api.urls import urlpatterns

    names = []

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
            elif pattern.name:
                names.append((pattern.name, dict(getattr(pattern.callback, "actions", None) or {"get": None})))

    walk(urlpatterns)
    for name, actions in names:
        record = next((kwargs for prefix, kwargs in records.items() if name.startswith(f"{prefix}-")), {})
        kwargs = {} if name.endswith("-list") or name in ("root", "schema", "docs", "token") else record
        if name == "status-report-file":  # a report's file: also its language and format
            kwargs = {**kwargs, "language": "en", "file_format": "pdf"}
        yield name, reverse(f"api:{name}", kwargs=kwargs), actions


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_no_address_of_the_api_answers_a_file_format_with_a_500(api, staff_api, file_format):
    addresses = list(api_addresses())
    assert len(addresses) > 40
    for name, path, actions in addresses:
        for method, action in actions.items():
            if method == "delete" or action in ("freeze",):
                continue  # (deletes and freezing are tested on their own)
            for client in (api, staff_api):
                response = getattr(client, method)(f"{path}?format={file_format}", {}, format="json")

                assert response.status_code < 500, (name, method, response.status_code)
                if response.status_code >= 400:
                    assert not response["Content-Type"].startswith(("text/csv", "application/vnd.openxml")), name


# 2. A deletion never takes the progress log with it.


def closed_period_update(milestone):
    """A jurisdiction's draft update of ``milestone``, locked by a closed reporting period."""
    update = factories.ProgressUpdateFactory(
        milestone=milestone, jurisdiction=factories.JurisdictionFactory(), publication_state=PublicationState.DRAFT
    )
    period = factories.ReportingPeriodFactory(work_plan=milestone.priority.work_plan)
    period.milestones.add(milestone)
    ReportingPeriod.objects.filter(pk=period.pk).update(
        status=ReportingPeriodStatus.CLOSED,
        opened_at=update.created_at - datetime.timedelta(days=1),
        closed_at=update.created_at + datetime.timedelta(days=1),
    )
    assert progress_update_is_locked(update)
    return update


def counts():
    return [model.objects.count() for model in (WorkPlan, Priority, Milestone, ProgressUpdate)]


def test_deleting_a_milestone_with_a_published_update_is_409_and_deletes_nothing(staff_api):
    update = factories.ProgressUpdateFactory()
    before = counts()

    response = staff_api.delete(f"/api/v1/milestones/{update.milestone_id}/")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Deleting this would delete 1 published progress update, which carries its milestone's status: "
        "withdraw it first."
    }
    assert counts() == before


def test_deleting_a_priority_with_published_updates_is_409_in_french(staff_api):
    milestone = factories.MilestoneFactory()
    factories.ProgressUpdateFactory.create_batch(2, milestone=milestone)
    before = counts()

    response = staff_api.delete(f"/api/v1/priorities/{milestone.priority_id}/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 409
    assert response["Content-Language"] == "fr"
    assert response.json() == {
        "detail": "Cette suppression emporterait 2 mises à jour des progrès publiées, qui portent l'état de leur "
        "jalon\u00a0: retirez-les d'abord."
    }
    assert counts() == before


def test_deleting_a_work_plan_with_a_published_update_is_409(staff_api):
    update = factories.ProgressUpdateFactory()
    before = counts()

    response = staff_api.delete(f"/api/v1/work-plans/{update.milestone.priority.work_plan.slug}/")

    assert response.status_code == 409
    assert counts() == before


def test_deleting_a_milestone_with_an_update_of_a_closed_period_is_409(staff_api):
    update = closed_period_update(factories.MilestoneFactory())
    before = counts()

    response = staff_api.delete(f"/api/v1/milestones/{update.milestone_id}/?lang=fr")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Cette suppression emporterait 1 mise à jour des progrès d'une période de rapport close, qui ne "
        "peut plus être modifiée."
    }
    assert counts() == before


def test_a_milestone_whose_updates_are_drafts_of_an_open_period_is_deleted(staff_api):
    update = factories.ProgressUpdateFactory(publication_state=PublicationState.DRAFT)

    response = staff_api.delete(f"/api/v1/milestones/{update.milestone_id}/")

    assert response.status_code == 204
    assert not Milestone.objects.filter(pk=update.milestone_id).exists()
    assert not ProgressUpdate.objects.filter(pk=update.pk).exists()


def test_a_withdrawn_update_no_longer_keeps_its_milestone(staff_api):
    update = factories.ProgressUpdateFactory()
    assert staff_api.post(f"/api/v1/progress-updates/{update.pk}/withdraw/").status_code == 200

    response = staff_api.delete(f"/api/v1/milestones/{update.milestone_id}/")

    assert response.status_code == 204
    assert not ProgressUpdate.objects.filter(pk=update.pk).exists()


# 3. DRF's own messages, in French.


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("null", {"non_field_errors": ["Aucune donnée fournie."]}),
        ("[1]", {"non_field_errors": ["Donnée non valide. Attendait un dictionnaire, a reçu list."]}),
        (
            "{x",
            {
                "detail": "Le corps de la requête est illisible\u00a0: envoyez du JSON valide (application/json) ou un "
                "formulaire."
            },
        ),
    ],
)
def test_a_token_request_that_is_no_record_is_refused_in_french(api, body, expected):
    response = api.post("/api/v1/auth/token/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    assert response.json() == expected


@pytest.mark.parametrize("path", ["/api/v1/accomplishments/", "/api/v1/milestones/", "/api/v1/meetings/"])
def test_a_null_record_is_refused_in_french_and_nothing_is_written(staff_api, path):
    before = counts()

    response = staff_api.post(f"{path}?lang=fr", "null", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Aucune donnée fournie."]}
    assert counts() == before


def test_a_null_record_is_still_refused_in_english(staff_api):
    response = staff_api.post("/api/v1/challenges/", "null", content_type="application/json")

    assert response.json() == {"non_field_errors": ["No data provided"]}


def test_a_null_body_to_an_action_is_refused_in_french(staff_api):
    update = factories.ProgressUpdateFactory(publication_state=PublicationState.SUBMITTED)

    response = staff_api.post(
        f"/api/v1/progress-updates/{update.pk}/return/",
        "null",
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Aucune donnée fournie."]}
    update.refresh_from_db()
    assert update.publication_state == PublicationState.SUBMITTED


# 4. The record before the body; an If-Match that is no entity tag.


def test_returning_a_missing_update_is_a_404_whatever_the_body(staff_api):
    response = staff_api.post("/api/v1/progress-updates/99999/return/", {"comment": None}, format="json")

    assert response.status_code == 404


@pytest.mark.parametrize("body", ["x", '{"published_on": "soon"}'])
def test_publishing_a_missing_story_is_a_404_whatever_the_body(staff_api, body):
    response = staff_api.post("/api/v1/stories/abc/publish/", body, content_type="application/json")

    assert response.status_code == 404


def test_publishing_a_story_with_a_bad_date_is_still_a_400_and_publishes_nothing(staff_api):
    story = factories.UserStoryFactory(state=StoryState.APPROVED)

    response = staff_api.post(f"/api/v1/stories/{story.pk}/publish/", {"published_on": "soon"}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"published_on"}
    story.refresh_from_db()
    assert story.state == StoryState.APPROVED


def test_publishing_a_story_on_a_date_still_works(staff_api):
    story = factories.UserStoryFactory(state=StoryState.APPROVED)

    response = staff_api.post(f"/api/v1/stories/{story.pk}/publish/", {"published_on": "2020-05-04"}, format="json")

    assert response.status_code == 200
    story.refresh_from_db()
    assert (story.state, story.published_on) == (StoryState.PUBLISHED, datetime.date(2020, 5, 4))


@pytest.mark.parametrize("if_match", ["garbage", "abc123", "W/abc", '"unterminated'])
def test_an_if_match_that_is_no_entity_tag_is_a_412_and_writes_nothing(staff_api, if_match):
    accomplishment = factories.AccomplishmentFactory(title_en="Kept")

    response = staff_api.patch(
        f"/api/v1/accomplishments/{accomplishment.pk}/", {"title_en": "Changed"}, format="json", HTTP_IF_MATCH=if_match
    )

    assert response.status_code == 412
    accomplishment.refresh_from_db()
    assert accomplishment.title_en == "Kept"


def test_an_if_match_that_is_no_entity_tag_keeps_a_milestone_from_deletion(staff_api):
    milestone = factories.MilestoneFactory()

    response = staff_api.delete(f"/api/v1/milestones/{milestone.pk}/", HTTP_IF_MATCH="garbage")

    assert response.status_code == 412
    assert Milestone.objects.filter(pk=milestone.pk).exists()


@pytest.mark.parametrize("if_match", ["*", None])
def test_an_if_match_star_or_the_record_etag_still_lets_the_write_on(staff_api, if_match):
    accomplishment = factories.AccomplishmentFactory(title_en="Kept")
    if if_match is None:
        if_match = staff_api.get(f"/api/v1/accomplishments/{accomplishment.pk}/")["Record-ETag"]

    response = staff_api.patch(
        f"/api/v1/accomplishments/{accomplishment.pk}/", {"title_en": "Changed"}, format="json", HTTP_IF_MATCH=if_match
    )

    assert response.status_code == 200
    accomplishment.refresh_from_db()
    assert accomplishment.title_en == "Changed"
