"""GET /api/v1/work-plans/{slug}/status/?as_of=: the selectors' status of the plan."""

import datetime
from unittest import mock

import pytest

from cogwg import dates
from cogwg.choices import PublicationState
from tests import factories
from tests.reports.story_inventory import AS_OF, EXPECTED, make_stories
from workplan import selectors
from workplan.choices import SeatRole
from workplan.services import milestone_post_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    plan = factories.WorkPlanFactory(slug="2020")
    priority = factories.PriorityFactory(work_plan=plan, number=1)
    factories.AssignmentFactory(
        priority=priority, role=SeatRole.LEAD, jurisdiction=factories.JurisdictionFactory(code="CA")
    )
    june = factories.MilestoneFactory(priority=priority, due_date=datetime.date(2020, 6, 30))
    factories.MilestoneFactory(priority=priority, due_date=datetime.date(2020, 9, 30))
    milestone_post_update(
        milestone=june,
        reported_on=datetime.date(2020, 5, 15),
        status="at_risk",
        progress=40,
        note_en="Waiting for data",
        note_fr="En attente de données",
    )
    return plan


def status(api, **params):
    response = api.get("/api/v1/work-plans/2020/status/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_before_the_update_date_nothing_has_started(api, plan):
    body = status(api, as_of="2020-05-14")

    assert body["as_of"] == "2020-05-14"
    assert body["status"] == "not_started"
    assert body["progress"] == 0.0
    assert body["counts"] == {
        "not_started": 2,
        "on_track": 0,
        "at_risk": 0,
        "delayed": 0,
        "completed": 0,
        "cancelled": 0,
    }
    assert [m["status"] for m in body["priorities"][0]["milestones"]] == ["not_started", "not_started"]
    assert body["overdue"] == []


def test_on_and_after_the_update_date_it_shows(api, plan):
    body = status(api, as_of="2020-05-15")

    assert body["status"] == "at_risk"
    assert body["progress"] == 20.0
    assert body["counts"]["at_risk"] == 1
    june = body["priorities"][0]["milestones"][0]
    assert (june["status"], june["progress"], june["note"], june["reported_on"]) == (
        "at_risk",
        40,
        "Waiting for data",
        "2020-05-15",
    )


def test_overdue_milestones_as_of_a_later_date(api, plan):
    body = status(api, as_of="2020-07-01")

    assert [m["due_date"] for m in body["overdue"]] == ["2020-06-30"]
    assert body["priorities"][0]["milestones"][0]["overdue"] is True


def test_the_priority_carries_its_seats(api, plan):
    priority = status(api, as_of="2020-05-15")["priorities"][0]

    assert priority["number"] == 1
    assert priority["seats"][0]["jurisdiction"]["code"] == "CA"
    assert (priority["status"], priority["progress"]) == ("at_risk", 20.0)


def test_without_as_of_it_is_today(api, plan):
    body = status(api)

    assert body["as_of"] == dates.latest_today().isoformat()  # workplan.selectors.status_today
    assert body["status"] == "at_risk"


def test_a_draft_update_does_not_count(api, plan):
    june = plan.priorities.get().milestones.order_by("due_date").first()
    factories.ProgressUpdateFactory(
        milestone=june,
        reported_on=datetime.date(2020, 6, 1),
        status="completed",
        progress=100,
        publication_state=PublicationState.DRAFT,
    )

    assert status(api, as_of="2020-06-02")["priorities"][0]["milestones"][0]["status"] == "at_risk"


def test_it_is_computed_by_the_selector(api, plan):
    with mock.patch("workplan.api.views.work_plan_status", wraps=selectors.work_plan_status) as selector:
        status(api, as_of="2020-05-15")

    # With the user stories inventory, which the status reports show too.
    selector.assert_called_once_with(work_plan=plan, as_of=datetime.date(2020, 5, 15), stories=True)


def test_it_counts_the_user_stories_since_the_plan_began_and_in_all(api, plan):
    make_stories()

    body = status(api, as_of=AS_OF.isoformat())

    assert body["stories"] == {"plan": EXPECTED["plan"], "to_date": EXPECTED["to_date"]}


def test_the_user_stories_are_counted_as_of_the_date(api, plan):
    make_stories()

    # The day before the last day's story, and before 20 April's publication.
    assert status(api, as_of="2020-04-19")["stories"] == {
        "plan": {"received": 5, "published": 2},
        "to_date": {"received": 6, "published": 3},
    }
    # Today: every story, the one received in July and the one published then included.
    assert status(api)["stories"]["to_date"] == {"received": 11, "published": 5}


def test_with_no_story_the_counts_are_zero(api, plan):
    assert status(api, as_of="2020-05-15")["stories"] == {
        "plan": {"received": 0, "published": 0},
        "to_date": {"received": 0, "published": 0},
    }


@pytest.mark.parametrize("as_of", ["2020-13-01", "tomorrow", "2020-02-30", "0000-01-01"])
def test_a_bad_date_is_a_400_naming_as_of(api, plan, as_of):
    response = api.get("/api/v1/work-plans/2020/status/", {"as_of": as_of})

    assert response.status_code == 400
    assert list(response.json()) == ["as_of"]


def test_an_unknown_plan_is_404(api, plan):
    assert api.get("/api/v1/work-plans/1999/status/").status_code == 404


@pytest.mark.parametrize(
    ("query", "language", "message"),
    [
        ("as_of=2020-13-01", "en", "There is no such day: 2020-13-01."),
        ("as_of=2021-02-29", "fr", "Ce jour n'existe pas\u00a0: 2021-02-29."),
        ("as_of=14/05/2020", "en", "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."),
        ("as_of=2020-05-14&as_of=2020-06-30", "en", "Give one date."),
        ("as_of=2020-05-14&as_of=2020-06-30", "fr", "Donnez une seule date."),
    ],
)
def test_a_date_that_is_not_one_is_a_400_that_says_why(api, plan, query, language, message):
    response = api.get(f"/api/v1/work-plans/2020/status/?{query}", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert response.json() == {"as_of": [message]}
