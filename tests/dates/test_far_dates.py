"""A work plan's dates lie in the years 2000 to 2100 (WorkPlan.clean), and the milestones'
calendar writes any date it is given: four-digit years, and no day after the calendar's
last."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from cogwg.demo.loader import load_cogwg_2020
from cogwg.feeds import _all_day, _utc
from tests.factories import MilestoneFactory, PriorityFactory, WorkPlanFactory
from workplan.models import WorkPlan
from workplan.services import work_plan_rollover

pytestmark = pytest.mark.django_db

YEARS_EN = "A work plan starts and ends in the years 2000 to 2100."
YEARS_FR = "Un plan de travail commence et se termine entre les années 2000 et 2100."


@pytest.mark.parametrize(
    ("start", "end", "fields"),
    [
        (datetime.date(1, 1, 1), datetime.date(9999, 12, 31), ["end_date", "start_date"]),
        (datetime.date(2020, 1, 1), datetime.date(9999, 12, 31), ["end_date"]),
        (datetime.date(1999, 12, 31), datetime.date(2020, 12, 31), ["start_date"]),
        (datetime.date(2020, 1, 1), datetime.date(2101, 1, 1), ["end_date"]),
    ],
)
@pytest.mark.parametrize(("language", "message"), [("en", YEARS_EN), ("fr", YEARS_FR)])
def test_a_plan_outside_the_years_is_refused_next_to_each_date(start, end, fields, language, message):
    plan = WorkPlanFactory.build(slug="far", start_date=start, end_date=end)

    with translation.override(language):
        with pytest.raises(ValidationError) as error:
            plan.clean()

        assert error.value.message_dict == {field: [message] for field in fields}


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.date(2000, 1, 1), datetime.date(2000, 12, 31)),
        (datetime.date(2100, 1, 1), datetime.date(2100, 12, 31)),
    ],
)
def test_the_first_and_last_years_are_taken(start, end):
    WorkPlanFactory.build(slug="edge", start_date=start, end_date=end, status="draft").clean()


def test_the_api_refuses_a_plan_to_9999_with_a_400(staff_api):
    response = staff_api.post(
        "/api/v1/work-plans/",
        {
            "slug": "2099",
            "title_en": "x",
            "title_fr": "x",
            "start_date": "0001-01-01",
            "end_date": "9999-12-31",
            "status": "draft",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"start_date": [YEARS_EN], "end_date": [YEARS_EN]}
    assert not WorkPlan.objects.filter(slug="2099").exists()


def test_copying_the_last_years_plan_to_the_next_year_is_refused_not_an_error():
    plan = WorkPlanFactory(slug="2100", start_date=datetime.date(2100, 1, 1), end_date=datetime.date(2100, 12, 31))

    with pytest.raises(ValidationError) as error:
        work_plan_rollover(work_plan=plan)

    assert error.value.message_dict == {"start_date": [YEARS_EN], "end_date": [YEARS_EN]}
    assert list(WorkPlan.objects.values_list("slug", flat=True)) == ["2100"]


def test_the_demo_data_lies_in_the_years():
    load_cogwg_2020()

    for plan in WorkPlan.objects.all():
        plan.clean()


@pytest.mark.parametrize(
    ("day", "lines"),
    [
        (datetime.date(2020, 6, 30), ["DTSTART;VALUE=DATE:20200630", "DTEND;VALUE=DATE:20200701"]),
        (datetime.date(99, 1, 31), ["DTSTART;VALUE=DATE:00990131", "DTEND;VALUE=DATE:00990201"]),
        (datetime.date(9999, 12, 31), ["DTSTART;VALUE=DATE:99991231"]),
    ],
)
def test_an_all_day_event_is_written_whatever_its_year(day, lines):
    assert _all_day(day) == lines


def test_a_utc_time_has_a_four_digit_year():
    assert _utc(datetime.datetime(99, 1, 2, 3, 4, 5, 678, tzinfo=datetime.UTC)) == "00990102T030405Z"
    assert _utc(datetime.datetime(2020, 6, 30, 10, 30, tzinfo=datetime.UTC)) == "20200630T103000Z"


def test_the_calendar_of_a_milestone_due_on_the_last_day_is_served():
    # Stored before the plans' years were bounded (or written past WorkPlan.clean).
    plan = WorkPlanFactory(slug="far", start_date=datetime.date(2020, 1, 1), end_date=datetime.date(9999, 12, 31))
    MilestoneFactory(priority=PriorityFactory(work_plan=plan), due_date=datetime.date(9999, 12, 31))
    MilestoneFactory(priority=PriorityFactory(work_plan=plan), due_date=datetime.date(99, 1, 31))

    response = Client().get("/en/milestones.ics")

    body = response.content.decode()
    assert response.status_code == 200
    assert "DTSTART;VALUE=DATE:99991231\r\nSUMMARY" in body
    assert "DTSTART;VALUE=DATE:00990131\r\nDTEND;VALUE=DATE:00990201\r\n" in body
