"""A plan's status "as of today" (workplan.selectors.status_today): the day the status with
no date is as of, and labelled with, is the latest day an update may be dated
(cogwg.dates.latest_today), so that it and the status asked for that day are one answer;
and the status API refuses a date after it."""

import datetime
import re
from unittest import mock

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import MilestoneFactory, PriorityFactory, WorkPlanFactory
from workplan.selectors import priority_status, status_today, work_plan_status
from workplan.services import milestone_post_update

pytestmark = pytest.mark.django_db

# 23:45 on 30 June in Toronto, 01:15 on 1 July in St. John's.
NOW = datetime.datetime(2024, 7, 1, 3, 45, tzinfo=datetime.UTC)
JUNE_30, JULY_1 = datetime.date(2024, 6, 30), datetime.date(2024, 7, 1)


@pytest.fixture
def clock():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


@pytest.fixture
def plan(clock):
    plan = WorkPlanFactory(slug="2024", start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2024, 12, 31))
    priority = PriorityFactory(work_plan=plan, number=1)
    september = MilestoneFactory(priority=priority, due_date=datetime.date(2024, 9, 30))
    MilestoneFactory(priority=priority, due_date=JUNE_30)
    # Dated on St. John's today, which is tomorrow in Toronto.
    milestone_post_update(
        milestone=september, reported_on=JULY_1, status="at_risk", progress=30, note_en="NL", note_fr="T.-N.-L."
    )
    return plan


def status(**params):
    response = APIClient().get("/api/v1/work-plans/2024/status/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_status_today_is_the_latest_day_an_update_may_bear(clock):
    assert status_today() == JULY_1


def test_the_status_with_no_date_is_the_status_as_of_the_day_it_is_labelled_with(plan):
    current = status()

    assert current["as_of"] == "2024-07-01"
    assert (current["status"], current["progress"]) == ("at_risk", 15.0)
    assert current == status(as_of=current["as_of"])


def test_the_selectors_with_no_date_equal_them_as_of_status_today(plan):
    current, dated = work_plan_status(work_plan=plan), work_plan_status(work_plan=plan, as_of=JULY_1)
    priority = plan.priorities.get()

    assert current.as_of == JULY_1
    assert [(s.status, s.progress, s.overdue) for s in current.milestones] == [
        (s.status, s.progress, s.overdue) for s in dated.milestones
    ]
    assert [(s.status, s.overdue) for s in priority_status(priority=priority).milestones] == [
        (s.status, s.overdue) for s in priority_status(priority=priority, as_of=JULY_1).milestones
    ]


def test_the_pages_label_the_status_with_that_day(plan):
    for path in ("/en/", "/en/work-plan/2024/"):
        html = Client().get(path).content.decode()

        assert re.findall(r"Status as of [^<.]*", html) == ["Status as of July 1, 2024"]


def test_the_milestones_overdue_filter_is_as_of_that_day(plan):
    overdue = [m["id"] for m in status()["overdue"]]

    listed = APIClient().get("/api/v1/milestones/", {"overdue": "true"}).json()["results"]

    assert [m["id"] for m in listed] == overdue
    # The milestone due 30 June is not overdue yet: it is 20:45 in Vancouver
    # (tests/dates/test_overdue_everywhere.py).
    assert overdue == []


@pytest.mark.parametrize(
    ("as_of", "language", "message"),
    [
        ("2024-07-02", "en", "The status is known up to today, 2024-07-01: 2024-07-02 is later."),
        ("9999-12-31", "en", "The status is known up to today, 2024-07-01: 9999-12-31 is later."),
        (
            "2024-07-02",
            "fr",
            "Le statut n'est connu que jusqu'à aujourd'hui, le 2024-07-01\u00a0: "
            "le 2024-07-02 n'est pas encore arrivé.",
        ),
    ],
)
def test_a_date_after_today_is_a_400_on_as_of(plan, as_of, language, message):
    response = APIClient().get("/api/v1/work-plans/2024/status/", {"as_of": as_of}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert response.json() == {"as_of": [message]}


def test_today_and_the_days_before_are_taken(plan):
    assert status(as_of="2024-07-01")["as_of"] == "2024-07-01"
    assert status(as_of="0001-01-01")["status"] == "not_started"


def test_the_as_of_parameter_says_what_as_of_means():
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    text = schema.content.decode()

    assert "as now known" in text and "frozen" in text
