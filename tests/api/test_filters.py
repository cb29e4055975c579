"""Filters on lists, and the 400 that names an invalid parameter."""

import datetime

import pytest

from cogwg.choices import PublicationState
from stories.choices import Impact, UserType
from tests import factories
from workplan.choices import MilestoneStatus, SeatRole

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(record["id"] for record in response.json()["results"])


@pytest.fixture
def milestones():
    bc, on = factories.JurisdictionFactory(code="BC"), factories.JurisdictionFactory(code="ON")
    first = factories.PriorityFactory(work_plan=factories.WorkPlanFactory(slug="2020"))
    second = factories.PriorityFactory(work_plan=first.work_plan)
    factories.AssignmentFactory(priority=first, role=SeatRole.LEAD, jurisdiction=bc)
    factories.AssignmentFactory(priority=second, role=SeatRole.PARTNER, jurisdiction=bc)
    factories.AssignmentFactory(priority=second, role=SeatRole.LEAD, jurisdiction=on)
    return {
        "march": factories.MilestoneFactory(priority=first, due_date=datetime.date(2020, 3, 31), status="completed"),
        "june": factories.MilestoneFactory(priority=first, due_date=datetime.date(2020, 6, 30), status="delayed"),
        "sept": factories.MilestoneFactory(
            priority=second, due_date=datetime.date(2099, 9, 30), status="on_track", kind="ongoing"
        ),
        "other_plan": factories.MilestoneFactory(due_date=datetime.date(2021, 3, 31)),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"work_plan": "2020"}, ["march", "june", "sept"]),
        ({"status": ["delayed", "on_track"]}, ["june", "sept"]),
        ({"status__n": ["completed", "not_started"]}, ["june", "sept"]),
        ({"kind": "ongoing"}, ["sept"]),
        ({"due_after": "2020-06-30", "due_before": "2021-01-01"}, ["june"]),
        ({"quarter": "2020-Q2"}, ["june"]),
        ({"lead": "BC"}, ["march", "june"]),
        ({"partner": "BC"}, ["sept"]),
        ({"jurisdiction": "BC"}, ["march", "june", "sept"]),
        ({"lead": ["BC", "ON"]}, ["march", "june", "sept"]),
        # Codes as the site's addresses write them.
        ({"lead": "bc"}, ["march", "june"]),
        ({"jurisdiction": ["bc", "On"]}, ["march", "june", "sept"]),
        ({"overdue": "true"}, ["june", "other_plan"]),
        ({"overdue": "false"}, ["march", "sept"]),
    ],
)
def test_milestone_filters(api, milestones, params, expected):
    response = api.get("/api/v1/milestones/", params)

    assert ids(response) == sorted(milestones[name].pk for name in expected)


def test_milestones_by_priority(api, milestones):
    priority = milestones["sept"].priority_id

    assert ids(api.get("/api/v1/milestones/", {"priority": priority})) == [milestones["sept"].pk]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"status": "finished"}, "status"),
        ({"status__n": "finished"}, "status__n"),
        ({"kind": "sometimes"}, "kind"),
        ({"due_after": "2020-13-01"}, "due_after"),
        ({"due_before": "yesterday"}, "due_before"),
        ({"quarter": "2020-Q5"}, "quarter"),
        ({"quarter": "Q2"}, "quarter"),
        ({"lead": "XX"}, "lead"),
        ({"partner": "XX"}, "partner"),
        ({"work_plan": "1999"}, "work_plan"),
        ({"priority": "abc"}, "priority"),
        ({"priority": "999999"}, "priority"),
        ({"overdue": "maybe"}, "overdue"),
        ({"ordering": "secret"}, "ordering"),
        ({"lang": "de"}, "lang"),
    ],
)
def test_an_invalid_filter_value_is_a_400_naming_the_parameter(api, milestones, params, parameter):
    response = api.get("/api/v1/milestones/", params)

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/api/v1/accomplishments/", {"category": "prize"}, "category"),
        ("/api/v1/accomplishments/", {"date_after": "soon"}, "date_after"),
        ("/api/v1/challenges/", {"status": "gone"}, "status"),
        ("/api/v1/stories/", {"impact": "cosmic"}, "impact"),
        ("/api/v1/stories/", {"theme": "no-such-theme"}, "theme"),
        ("/api/v1/stories/", {"dataset": "x"}, "dataset"),
        ("/api/v1/progress-updates/", {"reported_after": "2020-02-30"}, "reported_after"),
        ("/api/v1/progress-updates/", {"milestone": "0"}, "milestone"),
        ("/api/v1/jurisdictions/", {"is_member": "perhaps"}, "is_member"),
        ("/api/v1/meetings/", {"kind": "party"}, "kind"),
        ("/api/v1/status-reports/", {"as_of_after": "2020"}, "as_of_after"),
    ],
)
def test_every_list_names_its_invalid_parameter(api, path, params, parameter):
    response = api.get(path, params)

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_accomplishment_filters(api):
    bc = factories.JurisdictionFactory(code="BC")
    priority = factories.PriorityFactory()
    portal = factories.AccomplishmentFactory(jurisdiction=bc, category="portal", date=datetime.date(2020, 1, 15))
    policy = factories.AccomplishmentFactory(category="policy", priority=priority, date=datetime.date(2019, 5, 1))

    assert ids(api.get("/api/v1/accomplishments/", {"jurisdiction": "BC"})) == [portal.pk]
    assert ids(api.get("/api/v1/accomplishments/", {"category": "policy"})) == [policy.pk]
    assert ids(api.get("/api/v1/accomplishments/", {"priority": priority.pk})) == [policy.pk]
    assert ids(api.get("/api/v1/accomplishments/", {"date_after": "2020-01-01", "date_before": "2020-12-31"})) == [
        portal.pk
    ]


def test_a_jurisdiction_is_found_by_its_code_in_either_case(api):
    factories.JurisdictionFactory(code="ON", name_en="Ontario")

    upper, lower = api.get("/api/v1/jurisdictions/ON/"), api.get("/api/v1/jurisdictions/on/")

    assert (upper.status_code, lower.status_code) == (200, 200)
    assert lower.json() == upper.json()
    assert api.get("/api/v1/jurisdictions/xx/").status_code == 404


def test_challenge_filters(api):
    bc, on = factories.JurisdictionFactory(code="BC"), factories.JurisdictionFactory(code="ON")
    both = factories.ChallengeFactory(category="legal", status="open")
    both.jurisdictions.set([bc, on])
    alone = factories.ChallengeFactory(category="resources", status="resolved", resolved_on=datetime.date(2020, 5, 1))

    assert ids(api.get("/api/v1/challenges/", {"jurisdiction": ["BC", "ON"]})) == [both.pk]  # listed once
    assert ids(api.get("/api/v1/challenges/", {"category": "resources"})) == [alone.pk]
    assert ids(api.get("/api/v1/challenges/", {"status": "open"})) == [both.pk]


def test_story_filters(api):
    health, dataset = factories.ThemeFactory(slug="health"), factories.DatasetFactory()
    story = factories.UserStoryFactory(
        jurisdiction=factories.JurisdictionFactory(code="QC"), impact=Impact.ECONOMIC, user_type=UserType.MEDIA
    )
    story.themes.set([health])
    story.datasets.set([dataset])
    other = factories.UserStoryFactory()

    for params in (
        {"jurisdiction": "QC"},
        {"impact": "economic"},
        {"user_type": "media"},
        {"theme": "health"},
        {"dataset": dataset.pk},
    ):
        assert ids(api.get("/api/v1/stories/", params)) == [story.pk]
    assert ids(api.get("/api/v1/stories/")) == sorted([story.pk, other.pk])


def test_progress_update_filters(api):
    ns = factories.JurisdictionFactory(code="NS")
    april = factories.ProgressUpdateFactory(jurisdiction=ns, reported_on=datetime.date(2020, 4, 1))
    may = factories.ProgressUpdateFactory(reported_on=datetime.date(2020, 5, 1))

    assert ids(api.get("/api/v1/progress-updates/", {"milestone": april.milestone_id})) == [april.pk]
    assert ids(api.get("/api/v1/progress-updates/", {"jurisdiction": "NS"})) == [april.pk]
    assert ids(api.get("/api/v1/progress-updates/", {"reported_after": "2020-04-15"})) == [may.pk]
    assert ids(api.get("/api/v1/progress-updates/", {"reported_before": "2020-04-01"})) == [april.pk]


def test_q_searches_both_languages(api):
    wanted = factories.AccomplishmentFactory(title_en="Portal relaunch", title_fr="Relance du portail")
    factories.AccomplishmentFactory(title_en="Policy", title_fr="Politique")

    assert ids(api.get("/api/v1/accomplishments/", {"q": "relaunch"})) == [wanted.pk]
    assert ids(api.get("/api/v1/accomplishments/", {"q": "RELANCE"})) == [wanted.pk]
    assert ids(api.get("/api/v1/accomplishments/", {"q": "relance", "lang": "en"})) == [wanted.pk]


def test_ordering_then_by_id(api):
    first = factories.MilestoneFactory(due_date=datetime.date(2020, 6, 30))
    second = factories.MilestoneFactory(due_date=datetime.date(2020, 6, 30))
    early = factories.MilestoneFactory(due_date=datetime.date(2020, 3, 31))

    body = api.get("/api/v1/milestones/", {"ordering": "-due_date"}).json()

    assert [m["id"] for m in body["results"]] == [first.pk, second.pk, early.pk]


def test_filters_never_reveal_drafts(api):
    draft = factories.AccomplishmentFactory(publication_state=PublicationState.DRAFT, title_en="Secret draft")

    assert api.get("/api/v1/accomplishments/", {"q": "Secret"}).json()["count"] == 0
    assert api.get("/api/v1/accomplishments/", {"jurisdiction": draft.jurisdiction.code}).json()["count"] == 0


def test_statuses_filter_uses_the_choices(api, milestones):
    assert ids(api.get("/api/v1/milestones/", {"status": MilestoneStatus.COMPLETED})) == [milestones["march"].pk]
