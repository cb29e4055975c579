"""A milestone is overdue only once its due day is over everywhere in Canada
(workplan.selectors.overdue_cutoff, cogwg.dates.is_over): the status as of today is as of
St. John's day (status_today), but a milestone due today in Vancouver is not late yet.
The rule holds the same in Python (is_overdue, the pages and the status API) and in SQL
(Milestone.objects.overdue: the ?overdue= filter and the nightly marks)."""

import datetime
from unittest import mock

import pytest
from rest_framework.test import APIClient

from tests.factories import MilestoneFactory, PriorityFactory, WorkPlanFactory
from workplan.models import Milestone
from workplan.selectors import is_overdue, status_today, work_plan_status

pytestmark = pytest.mark.django_db

JUNE_29, JUNE_30, JULY_1 = datetime.date(2024, 6, 29), datetime.date(2024, 6, 30), datetime.date(2024, 7, 1)
# 23:45 on 30 June in Toronto: 1 July in St. John's, 20:45 on 30 June in Vancouver.
EVENING = datetime.datetime(2024, 7, 1, 3, 45, tzinfo=datetime.UTC)
# 00:30 on 1 July in Vancouver: 30 June is over everywhere.
AFTER_MIDNIGHT_IN_VANCOUVER = datetime.datetime(2024, 7, 1, 7, 30, tzinfo=datetime.UTC)


@pytest.fixture
def plan():
    plan = WorkPlanFactory(slug="2024", start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2024, 12, 31))
    priority = PriorityFactory(work_plan=plan, number=1)
    MilestoneFactory(priority=priority, due_date=JUNE_29, description_en="Due 29 June")
    MilestoneFactory(priority=priority, due_date=JUNE_30, description_en="Due 30 June")
    return plan


def overdue_everywhere(plan):
    """The overdue milestones' titles, as the selectors, the SQL rule and the API say it."""
    today = status_today()
    python = {state.milestone.description_en for state in work_plan_status(work_plan=plan).milestones if state.overdue}
    sql = set(
        Milestone.objects.filter(priority__work_plan=plan).overdue(on=today).values_list("description_en", flat=True)
    )
    listed = APIClient().get("/api/v1/milestones/", {"work_plan": plan.slug, "overdue": "true"})
    assert listed.status_code == 200, listed.content
    api = {row["description"] for row in listed.json()["results"]}
    assert python == sql == api
    return python


def test_a_milestone_due_today_in_vancouver_is_not_overdue_though_it_is_tomorrow_in_st_johns(plan):
    with mock.patch("django.utils.timezone.now", return_value=EVENING):
        assert status_today() == JULY_1
        assert overdue_everywhere(plan) == {"Due 29 June"}


def test_it_is_overdue_once_its_day_is_over_in_vancouver(plan):
    with mock.patch("django.utils.timezone.now", return_value=AFTER_MIDNIGHT_IN_VANCOUVER):
        assert overdue_everywhere(plan) == {"Due 29 June", "Due 30 June"}


def test_a_past_date_s_status_is_not_changed_by_the_cutoff():
    # As of a past day, the day itself decides, whatever the time now.
    with mock.patch("django.utils.timezone.now", return_value=EVENING):
        assert is_overdue(due_date=JUNE_29, status="on_track", on=JUNE_30)
        assert not is_overdue(due_date=JUNE_30, status="on_track", on=JUNE_30)
        assert not is_overdue(due_date=JUNE_29, status="completed", on=JUNE_30)
