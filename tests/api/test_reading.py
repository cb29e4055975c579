"""Anonymous reading: published records only, each with its url and short nested objects."""

import datetime

import pytest

from cogwg.choices import PublicationState, StatusReportState
from stories.choices import StoryState
from stories.models import Dataset
from tests import factories
from workplan.choices import SeatRole, WorkPlanStatus

pytestmark = pytest.mark.django_db


def test_the_root_links_every_resource(api):
    response = api.get("/api/v1/")

    assert response.status_code == 200
    assert set(response.json()) == {
        "work-plans",
        "priorities",
        "milestones",
        "progress-updates",
        "jurisdictions",
        "accomplishments",
        "challenges",
        "stories",
        "datasets",
        "meetings",
        "status-reports",
    }
    assert response.json()["work-plans"] == "http://testserver/api/v1/work-plans/"


def test_a_work_plan_is_looked_up_by_slug_and_links_its_status(api):
    plan = factories.WorkPlanFactory(slug="2020", title_en="COGWG 2020 Work Plan")
    priority = factories.PriorityFactory(work_plan=plan, number=1, title_en="Open data user stories")

    body = api.get("/api/v1/work-plans/2020/").json()

    assert body["url"] == "http://testserver/api/v1/work-plans/2020/"
    assert body["status_url"] == "http://testserver/api/v1/work-plans/2020/status/"
    assert body["title"] == "COGWG 2020 Work Plan"
    assert body["priorities"] == [
        {
            "url": f"http://testserver/api/v1/priorities/{priority.pk}/",
            "id": priority.pk,
            "number": 1,
            "title": "Open data user stories",
        }
    ]
    assert "title_en" not in body


def test_a_priority_carries_its_seats_milestones_and_rollup(api):
    canada = factories.JurisdictionFactory(code="CA", name_en="Canada")
    priority = factories.PriorityFactory(consequences_en="Low reuse\nNo feedback")
    factories.AssignmentFactory(
        priority=priority, role=SeatRole.LEAD, jurisdiction=canada, organization_en="Treasury Board Secretariat"
    )
    factories.AssignmentFactory(priority=priority, role=SeatRole.PARTNER, jurisdiction=None, confirmed=False)
    done = factories.MilestoneFactory(priority=priority, status="completed", progress=100)
    late = factories.MilestoneFactory(priority=priority, status="delayed", progress=20)

    body = api.get(f"/api/v1/priorities/{priority.pk}/").json()

    assert body["consequences"] == ["Low reuse", "No feedback"]
    assert body["seats"] == [
        {
            "role": "lead",
            "jurisdiction": {"url": "http://testserver/api/v1/jurisdictions/CA/", "code": "CA", "name": "Canada"},
            "organization": "Treasury Board Secretariat",
            "confirmed": True,
            "holder": "Treasury Board Secretariat",
        },
        {"role": "partner", "jurisdiction": None, "organization": "", "confirmed": False, "holder": "TBD"},
    ]
    assert [m["id"] for m in body["milestones"]] == [done.pk, late.pk]
    assert body["progress"] == 60.0
    assert body["status"] == "delayed"


def test_a_milestone_carries_its_priority_and_lead_jurisdictions(api):
    priority = factories.PriorityFactory(number=3, title_en="Publish with a purpose")
    factories.AssignmentFactory(
        priority=priority, role=SeatRole.LEAD, jurisdiction=factories.JurisdictionFactory(code="ON")
    )
    factories.AssignmentFactory(
        priority=priority, role=SeatRole.PARTNER, jurisdiction=factories.JurisdictionFactory(code="NS")
    )
    milestone = factories.MilestoneFactory(priority=priority, due_date=datetime.date(2020, 6, 30))

    body = api.get(f"/api/v1/milestones/{milestone.pk}/").json()

    assert body["url"] == f"http://testserver/api/v1/milestones/{milestone.pk}/"
    assert body["priority"]["title"] == "Publish with a purpose"
    assert [j["code"] for j in body["lead_jurisdictions"]] == ["ON"]
    assert body["quarter"] == "2020-Q2"
    assert body["due_label"] == "June 2020"
    assert body["overdue"] is True


def test_jurisdictions_are_looked_up_by_code(api):
    factories.JurisdictionFactory(code="BC", name_en="British Columbia")

    response = api.get("/api/v1/jurisdictions/BC/")

    assert response.status_code == 200
    assert response.json()["name"] == "British Columbia"
    assert api.get("/api/v1/jurisdictions/XX/").status_code == 404


@pytest.mark.parametrize(
    ("resource", "make_draft"),
    [
        ("progress-updates", lambda: factories.ProgressUpdateFactory(publication_state=PublicationState.DRAFT)),
        ("accomplishments", lambda: factories.AccomplishmentFactory(publication_state=PublicationState.SUBMITTED)),
        ("challenges", lambda: factories.ChallengeFactory(publication_state=PublicationState.RETURNED)),
        ("stories", lambda: factories.UserStoryFactory(state=StoryState.APPROVED)),
        ("status-reports", lambda: factories.StatusReportFactory(state=StatusReportState.DRAFT)),
        ("priorities", lambda: factories.PriorityFactory(work_plan__status=WorkPlanStatus.DRAFT)),
        ("milestones", lambda: factories.MilestoneFactory(priority__work_plan__status=WorkPlanStatus.DRAFT)),
    ],
)
def test_drafts_are_invisible_to_anonymous_readers(api, staff_api, resource, make_draft):
    draft = make_draft()

    assert api.get(f"/api/v1/{resource}/").json()["count"] == 0
    assert api.get(f"/api/v1/{resource}/{draft.pk}/").status_code == 404
    assert staff_api.get(f"/api/v1/{resource}/{draft.pk}/").status_code == 200


def test_a_draft_work_plan_is_invisible_to_anonymous_readers(api, staff_api):
    factories.WorkPlanFactory(slug="2031", status=WorkPlanStatus.DRAFT)

    assert api.get("/api/v1/work-plans/").json()["count"] == 0
    assert api.get("/api/v1/work-plans/2031/").status_code == 404
    assert api.get("/api/v1/work-plans/2031/status/").status_code == 404
    assert staff_api.get("/api/v1/work-plans/2031/").status_code == 200


def test_a_story_never_shows_its_submitter(api, staff_api):
    story = factories.UserStoryFactory(submitter_name="Jane Private", submitter_email="jane@example.org")

    for client in (api, staff_api):
        for response in (
            client.get(f"/api/v1/stories/{story.pk}/"),
            client.get("/api/v1/stories/"),
            client.get("/api/v1/stories/", {"format": "csv"}),
        ):
            assert b"Jane Private" not in response.content
            assert b"jane@example.org" not in response.content
            assert b"submitter" not in response.content


def test_a_story_is_not_found_by_searching_its_submitter(api):
    factories.UserStoryFactory(submitter_name="Jane Private")

    assert api.get("/api/v1/stories/", {"q": "Jane"}).json()["count"] == 0


def test_pages_have_a_chosen_size_capped_at_200_in_a_stable_order(api):
    factories.JurisdictionFactory.create_batch(5, order=1)

    first = api.get("/api/v1/jurisdictions/", {"page_size": 2}).json()
    second = api.get("/api/v1/jurisdictions/", {"page_size": 2, "page": 2}).json()
    third = api.get("/api/v1/jurisdictions/", {"page_size": 2, "page": 3}).json()
    capped = api.get("/api/v1/jurisdictions/", {"page_size": 1000}).json()

    codes = [j["code"] for page in (first, second, third) for j in page["results"]]
    assert first["count"] == 5
    assert len(codes) == 5
    assert codes == sorted(set(codes), key=codes.index)  # no record twice
    assert first["next"] == "http://testserver/api/v1/jurisdictions/?page=2&page_size=2"
    assert len(capped["results"]) == 5


def test_a_page_past_the_end_is_404(api):
    assert api.get("/api/v1/jurisdictions/", {"page": 9}).status_code == 404


def test_page_size_is_capped_at_200(api):
    Dataset.objects.bulk_create(
        Dataset(portal_url="https://open.canada.ca/data", ckan_id=f"bulk-{n}", title_en=f"Bulk {n}") for n in range(201)
    )

    body = api.get("/api/v1/datasets/", {"page_size": 1000}).json()

    assert body["count"] == 201
    assert len(body["results"]) == 200
