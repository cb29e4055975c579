"""Writes: authenticated staff only, all-or-nothing, bad input a 400 naming the field."""

import datetime

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cogwg.choices import PublicationState
from jurisdictions.models import Accomplishment, Challenge, Jurisdiction
from tests import factories
from workplan.models import Milestone, ProgressUpdate
from workplan.services import milestone_post_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_api(db):
    client = APIClient()
    client.force_authenticate(factories.UserFactory(username="member"))
    return client


def record_paths():
    milestone = factories.MilestoneFactory()
    story = factories.UserStoryFactory()
    return {
        "work-plans": f"/api/v1/work-plans/{milestone.priority.work_plan.slug}/",
        "priorities": f"/api/v1/priorities/{milestone.priority_id}/",
        "milestones": f"/api/v1/milestones/{milestone.pk}/",
        "jurisdictions": f"/api/v1/jurisdictions/{factories.JurisdictionFactory().code}/",
        "accomplishments": f"/api/v1/accomplishments/{factories.AccomplishmentFactory().pk}/",
        "challenges": f"/api/v1/challenges/{factories.ChallengeFactory().pk}/",
        "stories": f"/api/v1/stories/{story.pk}/",
        "datasets": f"/api/v1/datasets/{factories.DatasetFactory().pk}/",
        "meetings": f"/api/v1/meetings/{factories.MeetingFactory().pk}/",
    }


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_anonymous_writes_are_401(api, method):
    for resource, detail in record_paths().items():
        path = f"/api/v1/{resource}/" if method == "post" else detail

        response = getattr(api, method)(path, {"title_en": "Hijacked"}, format="json")

        assert response.status_code == 401, (resource, response.status_code)
        assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_by_a_user_who_is_not_staff_are_403(member_api, method):
    for resource, detail in record_paths().items():
        path = f"/api/v1/{resource}/" if method == "post" else detail

        response = getattr(member_api, method)(path, {"title_en": "Hijacked"}, format="json")

        assert response.status_code == 403, (resource, response.status_code)


def test_nothing_changed_after_refused_writes(api, member_api):
    accomplishment = factories.AccomplishmentFactory(title_en="Original")

    api.patch(f"/api/v1/accomplishments/{accomplishment.pk}/", {"title_en": "Hijacked"}, format="json")
    member_api.delete(f"/api/v1/accomplishments/{accomplishment.pk}/")

    accomplishment.refresh_from_db()
    assert accomplishment.title_en == "Original"


def test_staff_create_a_record_in_both_languages(staff_api):
    factories.JurisdictionFactory(code="BC")
    priority = factories.PriorityFactory()

    response = staff_api.post(
        "/api/v1/accomplishments/",
        {
            "jurisdiction": "BC",
            "title_en": "New portal",
            "title_fr": "Nouveau portail",
            "category": "portal",
            "priority": priority.pk,
            "date": "2020-02-01",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    created = Accomplishment.objects.get(pk=response.json()["id"])
    assert (created.title_en, created.title_fr, created.jurisdiction.code) == ("New portal", "Nouveau portail", "BC")
    assert created.publication_state == PublicationState.DRAFT
    assert response.json()["title"] == "New portal"
    assert response.json()["jurisdiction"]["code"] == "BC"


def test_staff_update_a_record(staff_api):
    challenge = factories.ChallengeFactory(title_en="Old", title_fr="Ancien")
    bc = factories.JurisdictionFactory(code="BC")

    response = staff_api.patch(
        f"/api/v1/challenges/{challenge.pk}/", {"title_fr": "Nouveau", "jurisdictions": ["BC"]}, format="json"
    )

    assert response.status_code == 200, response.content
    challenge.refresh_from_db()
    assert (challenge.title_en, challenge.title_fr) == ("Old", "Nouveau")
    assert list(challenge.jurisdictions.all()) == [bc]


def test_staff_delete_a_record(staff_api):
    dataset = factories.DatasetFactory()

    assert staff_api.delete(f"/api/v1/datasets/{dataset.pk}/").status_code == 204
    assert not type(dataset).objects.filter(pk=dataset.pk).exists()


def test_deleting_a_record_still_in_use_is_409(staff_api):
    accomplishment = factories.AccomplishmentFactory()
    code = accomplishment.jurisdiction.code

    response = staff_api.delete(f"/api/v1/jurisdictions/{code}/")

    assert response.status_code == 409
    assert Jurisdiction.objects.filter(code=code).exists()


def test_deleting_a_jurisdiction_a_challenge_lists_is_409_and_changes_nothing(staff_api):
    challenge = factories.ChallengeFactory()
    jurisdiction = factories.JurisdictionFactory()
    challenge.jurisdictions.set([jurisdiction])

    response = staff_api.delete(f"/api/v1/jurisdictions/{jurisdiction.code}/")

    assert response.status_code == 409
    assert list(challenge.jurisdictions.all()) == [jurisdiction]


def test_a_jurisdiction_no_record_uses_is_deleted_with_its_history(staff_api, staff):
    jurisdiction = factories.JurisdictionFactory()

    assert staff_api.delete(f"/api/v1/jurisdictions/{jurisdiction.code}/").status_code == 204
    assert not Jurisdiction.objects.filter(pk=jurisdiction.pk).exists()
    assert Jurisdiction.history.filter(id=jurisdiction.pk, history_type="-").get().history_user == staff


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        # A draft is in English or in French: in neither is refused.
        ({"title_en": "", "category": "portal", "jurisdiction": "BC"}, "title_en"),
        ({"title_en": "x", "category": "prize", "jurisdiction": "BC"}, "category"),
        ({"title_en": "x", "category": "portal", "jurisdiction": "ZZ"}, "jurisdiction"),
        ({"title_en": "x", "category": "portal", "jurisdiction": "BC", "priority": 999}, "priority"),
        ({"title_en": "x", "category": "portal", "jurisdiction": "BC", "date": "2020-02-30"}, "date"),
        ({"title_en": "x" * 300, "category": "portal", "jurisdiction": "BC"}, "title_en"),
        ({"title_en": "x", "category": "portal", "jurisdiction": ["BC"]}, "jurisdiction"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(staff_api, payload, field):
    factories.JurisdictionFactory(code="BC")

    response = staff_api.post("/api/v1/accomplishments/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Accomplishment.objects.exists()


def test_a_model_constraint_is_a_400_not_a_database_error(staff_api):
    challenge = factories.ChallengeFactory(status="open")

    response = staff_api.patch(f"/api/v1/challenges/{challenge.pk}/", {"resolved_on": "2020-05-01"}, format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    challenge.refresh_from_db()
    assert challenge.resolved_on is None


@pytest.mark.parametrize("code", ["B.C.", "BC/ON", "É", "-BC", "b c"])
def test_a_jurisdiction_code_that_cannot_be_an_address_is_refused(staff_api, code):
    response = staff_api.post(
        "/api/v1/jurisdictions/", {"code": code, "name_en": "British Columbia", "kind": "provincial"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["code"]
    assert not Jurisdiction.objects.exists()


def test_a_jurisdiction_code_in_lower_case_is_kept_in_capitals(staff_api):
    response = staff_api.post(
        "/api/v1/jurisdictions/", {"code": "bc", "name_en": "British Columbia", "kind": "provincial"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["code"] == "BC"
    assert list(Jurisdiction.objects.values_list("code", flat=True)) == ["BC"]


def test_a_jurisdiction_code_with_a_hyphen_is_accepted(staff_api):
    response = staff_api.post(
        "/api/v1/jurisdictions/", {"code": "ON-TORONTO", "name_en": "Toronto", "kind": "municipal"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["url"] == "http://testserver/api/v1/jurisdictions/ON-TORONTO/"


def test_a_duplicate_priority_number_is_a_400(staff_api):
    priority = factories.PriorityFactory(number=1)

    response = staff_api.post(
        "/api/v1/priorities/",
        {
            "work_plan": priority.work_plan.slug,
            "number": 1,
            "slug": "another",
            "title_en": "Another",
            "issue_en": "Issue",
            "outcome_en": "Outcome",
        },
        format="json",
    )

    assert response.status_code == 400
    assert priority.work_plan.priorities.count() == 1


def test_a_milestones_status_cannot_be_written_directly(staff_api):
    milestone = factories.MilestoneFactory()

    response = staff_api.patch(f"/api/v1/milestones/{milestone.pk}/", {"status": "completed", "progress": 100})

    # Refused rather than ignored: they move by posting a progress update (test_state_writes.py).
    assert response.status_code == 400
    assert sorted(response.json()) == ["progress", "status"]
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == ("not_started", 0)


def test_posting_a_progress_update_goes_through_the_service(staff_api, staff):
    milestone = factories.MilestoneFactory()
    factories.JurisdictionFactory(code="ON")

    response = staff_api.post(
        "/api/v1/progress-updates/",
        {
            "milestone": milestone.pk,
            "reported_on": "2020-05-01",
            "status": "completed",
            "progress": 100,
            "note_en": "Done",
            "note_fr": "Terminé",
            "jurisdiction": "ON",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    update = ProgressUpdate.objects.get(pk=response.json()["id"])
    assert (update.author, update.jurisdiction.code, update.publication_state) == (staff, "ON", "published")
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress, milestone.completed_on) == (
        "completed",
        100,
        datetime.date(2020, 5, 1),
    )
    assert response.json()["note"] == "Done"


def test_a_draft_progress_update_leaves_the_milestone(staff_api):
    milestone = factories.MilestoneFactory()

    response = staff_api.post(
        "/api/v1/progress-updates/",
        {"milestone": milestone.pk, "reported_on": "2020-05-01", "status": "delayed", "progress": 10, "publish": False},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["publication_state"] == "draft"
    milestone.refresh_from_db()
    assert milestone.status == "not_started"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"status": "completed", "progress": 50}, "progress"),
        ({"status": "on_track", "progress": 101}, "progress"),
        ({"status": "on_track", "progress": 50, "reported_on": "2999-01-01"}, "reported_on"),
        ({"status": "finished", "progress": 50}, "status"),
        ({"status": "on_track", "progress": "half"}, "progress"),
    ],
)
def test_a_bad_progress_update_is_a_400_and_writes_nothing(staff_api, payload, field):
    milestone = factories.MilestoneFactory()

    response = staff_api.post(
        "/api/v1/progress-updates/",
        {"milestone": milestone.pk, "reported_on": "2020-05-01", **payload},
        format="json",
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not ProgressUpdate.objects.exists()
    assert Milestone.objects.get(pk=milestone.pk).status == "not_started"


def test_an_update_on_a_cancelled_milestone_is_a_400_in_the_readers_language(staff_api):
    milestone = factories.MilestoneFactory()
    milestone_post_update(
        milestone=milestone, reported_on=datetime.date(2020, 6, 1), status="cancelled", progress=40, by=None
    )

    response = staff_api.post(
        "/api/v1/progress-updates/?lang=fr",
        {"milestone": milestone.pk, "reported_on": "2020-07-01", "status": "on_track", "progress": 50},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["reported_on"][0].startswith("Ce jalon a été annulé le 1er juin 2020")
    assert ProgressUpdate.objects.count() == 1
    assert Milestone.objects.get(pk=milestone.pk).status == "cancelled"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_progress_log_is_append_only(staff_api, method):
    update = factories.ProgressUpdateFactory()

    response = getattr(staff_api, method)(f"/api/v1/progress-updates/{update.pk}/", {"progress": 10}, format="json")

    assert response.status_code == 405
    assert ProgressUpdate.objects.get(pk=update.pk).progress == 50


def test_publishing_and_withdrawing_an_update_moves_the_milestone(staff_api):
    milestone = factories.MilestoneFactory()
    update = factories.ProgressUpdateFactory(
        milestone=milestone, status="delayed", progress=10, publication_state=PublicationState.DRAFT
    )

    published = staff_api.post(f"/api/v1/progress-updates/{update.pk}/publish/")
    milestone.refresh_from_db()
    status_after_publishing = milestone.status
    withdrawn = staff_api.post(f"/api/v1/progress-updates/{update.pk}/withdraw/")
    milestone.refresh_from_db()

    assert published.status_code == 200
    assert published.json()["publication_state"] == "published"
    assert status_after_publishing == "delayed"
    assert withdrawn.json()["publication_state"] == "draft"
    assert milestone.status == "not_started"


def test_publishing_an_accomplishment(staff_api, api):
    accomplishment = factories.AccomplishmentFactory(publication_state=PublicationState.SUBMITTED)

    response = staff_api.post(f"/api/v1/accomplishments/{accomplishment.pk}/publish/")

    assert response.status_code == 200
    assert response.json()["published_at"] is not None
    assert api.get(f"/api/v1/accomplishments/{accomplishment.pk}/").status_code == 200


def test_anonymous_cannot_publish(api):
    challenge = factories.ChallengeFactory(publication_state=PublicationState.DRAFT)

    assert api.post(f"/api/v1/challenges/{challenge.pk}/publish/").status_code == 401
    assert Challenge.objects.get(pk=challenge.pk).publication_state == PublicationState.DRAFT


def test_status_reports_are_read_only(staff_api):
    report = factories.StatusReportFactory()

    assert staff_api.post("/api/v1/status-reports/", {"title_en": "x"}, format="json").status_code == 405
    assert staff_api.delete(f"/api/v1/status-reports/{report.pk}/").status_code == 405


def test_a_token_authenticates_writes(db):
    staff = factories.StaffFactory(username="robot")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")

    response = client.post(
        "/api/v1/datasets/",
        {"portal_url": "https://open.canada.ca/data", "ckan_id": "abc", "title_en": "ABC"},
        format="json",
    )

    assert response.status_code == 201, response.content


def test_a_session_authenticates_writes(client, staff):
    client.force_login(staff)

    response = client.post(
        "/api/v1/meetings/",
        {"kind": "cogwg", "date": "2020-03-01", "title_en": "Meeting", "title_fr": "Réunion"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content


def test_a_write_through_the_api_is_kept_in_the_history_with_its_author(db):
    staff = factories.StaffFactory(username="historian")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")
    challenge = factories.ChallengeFactory(title_en="Before")

    client.patch(f"/api/v1/challenges/{challenge.pk}/", {"title_en": "After"}, format="json")

    latest = challenge.history.first()
    assert (latest.title_en, latest.history_user) == ("After", staff)


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", ""])
def test_a_body_in_a_format_the_api_does_not_read_is_a_415_and_writes_nothing(staff_api, content_type):
    priority = factories.PriorityFactory()
    milestone = factories.MilestoneFactory(priority=priority, description_en="Before")
    body = f"priority={priority.pk}&due_date=2020-06-30&description_en=After"

    created = staff_api.generic("POST", "/api/v1/milestones/", body, content_type=content_type)
    changed = staff_api.generic("PATCH", f"/api/v1/milestones/{milestone.pk}/", body, content_type=content_type)

    assert (created.status_code, changed.status_code) == (415, 415)
    assert created.json() == {"detail": f'Unsupported media type "{content_type}" in request.'}
    assert Milestone.objects.get() == milestone
    milestone.refresh_from_db()
    assert milestone.description_en == "Before"
