"""A published record may point into a plan still in draft (next year's, being prepared):
an accomplishment to one of its priorities, a story to one of its milestones. The record
is public; what it points to is not, until the plan is published, for every reader who
may not see the plan (``permissions.visible``): null in JSON, empty cells in CSV."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from cogwg.permissions import CONTRIBUTOR, roles_sync
from jurisdictions.models import Accomplishment
from stories.choices import StoryState
from tests import factories
from workplan.choices import WorkPlanStatus

SECRETS = (b"SECRET", "SECRÈTE".encode())


@pytest.fixture
def plans(db):
    return (
        factories.WorkPlanFactory(slug="2020", status=WorkPlanStatus.ACTIVE),
        factories.WorkPlanFactory(slug="2021", status=WorkPlanStatus.DRAFT),
    )


@pytest.fixture
def ontario(db):
    return factories.JurisdictionFactory(code="ON")


@pytest.fixture
def contributor_api(db, ontario):
    """A contributor for Ontario: sees Ontario's drafts, not the draft plans."""
    roles_sync()
    user = factories.UserFactory(username="alice", is_staff=True)
    user.groups.add(Group.objects.get(name=CONTRIBUTOR))
    factories.ContributorFactory(user=user, jurisdiction=ontario)
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def reader(request, api, contributor_api):
    return {"anonymous": api, "contributor": contributor_api}[request.param]


def secret_priority(plan):
    return factories.PriorityFactory(
        work_plan=plan, number=1, slug="secret", title_en="SECRET PRIORITY", title_fr="PRIORITÉ SECRÈTE"
    )


def csv_rows(response):
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def assert_no_secret(response):
    assert response.status_code == 200
    assert not any(secret in response.content for secret in SECRETS)


@pytest.mark.parametrize("reader", ["anonymous", "contributor"], indirect=True)
def test_an_accomplishment_shows_no_priority_of_a_draft_plan(reader, staff_api, plans, ontario):
    active, draft = plans
    shown = factories.AccomplishmentFactory(jurisdiction=ontario, priority=factories.PriorityFactory(work_plan=active))
    hidden = factories.AccomplishmentFactory(jurisdiction=ontario, priority=secret_priority(draft))

    listed = reader.get("/api/v1/accomplishments/")
    detail = reader.get(f"/api/v1/accomplishments/{hidden.pk}/")
    rows = csv_rows(reader.get("/api/v1/accomplishments/", {"format": "csv", "lang": "fr"}))

    assert_no_secret(listed)
    by_id = {record["id"]: record for record in listed.json()["results"]}
    assert by_id[hidden.pk]["priority"] is None
    assert by_id[shown.pk]["priority"]["id"] == shown.priority_id
    assert_no_secret(detail)
    assert detail.json()["priority"] is None
    by_id = {int(row["id"]): row for row in rows}
    columns = ("priority.url", "priority.id", "priority.number", "priority.title")
    assert [by_id[hidden.pk][column] for column in columns] == ["", "", "", ""]
    assert by_id[shown.pk]["priority.id"] == str(shown.priority_id)
    # The secretariat, who may see the draft plan, still reads it.
    assert staff_api.get(f"/api/v1/accomplishments/{hidden.pk}/").json()["priority"]["title"] == "SECRET PRIORITY"


@pytest.mark.parametrize("reader", ["anonymous", "contributor"], indirect=True)
def test_a_story_shows_no_release_of_a_draft_plan(reader, staff_api, plans, ontario):
    active, draft = plans
    shown = factories.UserStoryFactory(
        jurisdiction=ontario, release=factories.MilestoneFactory(priority__work_plan=active)
    )
    hidden = factories.UserStoryFactory(
        jurisdiction=ontario,
        release=factories.MilestoneFactory(
            priority=secret_priority(draft), description_en="SECRET MILESTONE", description_fr="JALON SECRET"
        ),
    )

    listed = reader.get("/api/v1/stories/")
    detail = reader.get(f"/api/v1/stories/{hidden.pk}/")
    rows = csv_rows(reader.get("/api/v1/stories/", {"format": "csv"}))

    assert_no_secret(listed)
    by_id = {record["id"]: record for record in listed.json()["results"]}
    assert by_id[hidden.pk]["release"] is None
    assert by_id[shown.pk]["release"]["id"] == shown.release_id
    assert_no_secret(detail)
    assert detail.json()["release"] is None
    by_id = {int(row["id"]): row for row in rows}
    assert [value for column, value in by_id[hidden.pk].items() if column.startswith("release.")] == [""] * 6
    assert by_id[shown.pk]["release.id"] == str(shown.release_id)
    assert staff_api.get(f"/api/v1/stories/{hidden.pk}/").json()["release"]["description"] == "SECRET MILESTONE"


def test_the_release_shows_once_its_plan_is_published(api, plans):
    _active, draft = plans
    story = factories.UserStoryFactory(release=factories.MilestoneFactory(priority__work_plan=draft))
    assert api.get(f"/api/v1/stories/{story.pk}/").json()["release"] is None

    # Published: no longer a draft (closed, as the 2020 plan is the active one).
    draft.status = WorkPlanStatus.CLOSED
    draft.save()

    assert api.get(f"/api/v1/stories/{story.pk}/").json()["release"]["id"] == story.release_id


def test_a_contributor_cannot_point_a_record_at_a_draft_plan(plans, ontario, contributor_api):
    """Its priority or release names only what the writer may see: a draft plan's id is
    refused as one that does not exist."""
    published_plan, draft_plan = plans
    secret = secret_priority(draft_plan)
    shown = factories.PriorityFactory(work_plan=published_plan, number=1, slug="shown")
    secret_milestone = factories.MilestoneFactory(priority=secret)

    def accomplishment(priority):
        return contributor_api.post(
            "/api/v1/accomplishments/",
            {"jurisdiction": "ON", "title_en": "Ours", "category": "portal", "priority": priority.pk},
            format="json",
        )

    refused, accepted = accomplishment(secret), accomplishment(shown)
    story = contributor_api.post(
        "/api/v1/stories/",
        {
            "slug": "ours",
            "title_en": "Ours",
            "summary_en": "How",
            "jurisdiction": "ON",
            "user_type": "media",
            "impact": "social",
            "release": secret_milestone.pk,
        },
        format="json",
    )

    assert refused.status_code == 400
    assert refused.json()["priority"] == [f"No record has the id {secret.pk}."]
    assert accepted.status_code == 201
    assert story.status_code == 400
    assert story.json()["release"] == [f"No record has the id {secret_milestone.pk}."]
    assert not Accomplishment.objects.filter(priority=secret).exists()


def draft_filters(plan):
    """(address, filter, value) of every filter that names a record only some may see."""
    secret = secret_priority(plan)
    milestone = factories.MilestoneFactory(priority=secret)
    factories.AccomplishmentFactory(priority=secret)
    factories.ProgressUpdateFactory(milestone=milestone)
    story = factories.UserStoryFactory(state=StoryState.SUBMITTED)
    story.datasets.add(factories.DatasetFactory())
    factories.StatusReportFactory(work_plan=plan)
    return [
        ("/api/v1/priorities/", "work_plan", plan.slug),
        ("/api/v1/milestones/", "work_plan", plan.slug),
        ("/api/v1/milestones/", "priority", secret.pk),
        ("/api/v1/progress-updates/", "milestone", milestone.pk),
        ("/api/v1/accomplishments/", "priority", secret.pk),
        ("/api/v1/datasets/", "story", story.pk),
        ("/api/v1/status-reports/", "work_plan", plan.slug),
    ]


@pytest.mark.parametrize("reader", ["anonymous", "contributor"], indirect=True)
def test_a_filter_by_a_record_the_reader_may_not_see_is_refused_as_one_that_does_not_exist(reader, staff_api, plans):
    """Naming a draft plan (its slug, a priority, a milestone) or an unpublished story in
    a filter is the same 400 as naming nothing at all: the answer does not tell that it
    exists. The secretariat, asking first (choices are never shared between readers),
    filters by it."""
    _, draft_plan = plans

    for address, name, value in draft_filters(draft_plan):
        by_staff = staff_api.get(address, {name: value})
        refused = reader.get(address, {name: value})
        unknown = reader.get(address, {name: 999999 if isinstance(value, int) else "no-such-plan"})

        assert by_staff.status_code == 200, address
        assert by_staff.json()["count"] >= 1, (address, name)
        assert refused.status_code == unknown.status_code == 400, (address, name)
        assert refused.json()[name] == [
            message.replace("999999", str(value)).replace("no-such-plan", str(value))
            for message in unknown.json()[name]
        ], (address, name)
