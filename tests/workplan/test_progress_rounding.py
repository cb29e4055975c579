"""Progress is carried exact from the milestones to the priority and to the plan, and
rounded once, half up, where it is shown: a whole percent on the pages and in the report
files, a tenth in the API. Never a priority rounded to a tenth, then the plan's mean of
those to a tenth, then that to a whole percent."""

import csv
import datetime
import io
import re
from fractions import Fraction

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from cogwg.reports.content import build_content
from cogwg.reports.render import render_file
from cogwg.reports.render.html import render_html
from tests.factories import MilestoneFactory, PriorityFactory, StatusReportFactory, WorkPlanFactory
from workplan import selectors
from workplan.choices import MilestoneStatus as S
from workplan.services import milestone_post_update

pytestmark = pytest.mark.django_db

REPORTED_ON = datetime.date(2020, 2, 10)
AS_OF = datetime.date(2020, 2, 27)


def make_priority(plan, number, progresses):
    priority = PriorityFactory(work_plan=plan, number=number)
    for progress in progresses:
        milestone = MilestoneFactory(priority=priority)
        if progress:
            milestone_post_update(milestone=milestone, reported_on=REPORTED_ON, status=S.ON_TRACK, progress=progress)
    return priority


def make_plan(*priorities):
    """A plan of the priorities, each given as its milestones' progress (0: not started)."""
    plan = WorkPlanFactory(slug="2020")
    for number, progresses in enumerate(priorities, 1):
        make_priority(plan, number, progresses)
    return plan


def shown_on_page(url_name, *args):
    with translation.override("en"):
        url = reverse(url_name, args=args)
    response = Client().get(url)
    assert response.status_code == 200
    return re.findall(r'<span class="bar__value">([^<]*)</span>', response.content.decode())


def api(path):
    response = APIClient().get(path)
    assert response.status_code == 200
    return response.json()


def report_figures(plan):
    """The plan's and each priority's progress as the report's content keeps them and as
    its HTML, CSV and XLSX (in English) show them."""
    content = build_content(report=StatusReportFactory(work_plan=plan, as_of=AS_OF))
    kept = (content["work_plan"]["progress"], [priority["progress"] for priority in content["priorities"]])
    html = render_html(content, language="en")
    rows = list(csv.DictReader(io.StringIO(render_file(content, format="csv", language="en").decode("utf-8-sig"))))
    in_csv = {row["Priority number"]: row["Priority progress (%)"] for row in rows}
    sheet = openpyxl.load_workbook(io.BytesIO(render_file(content, format="xlsx", language="en"))).worksheets[0]
    in_xlsx = next(row[1].value for row in sheet.iter_rows() if row[0].value == "Progress (%)")
    return kept, html, in_csv, in_xlsx


# The case reported: a priority of exactly 12.25 % in a plan of five.


def test_a_plan_of_exactly_2_45_percent_is_shown_2_not_3():
    plan = make_plan([0], [0], [10, 10, 14, 15], [0], [0])

    status = selectors.work_plan_status(work_plan=plan)

    assert status.priorities[2].progress == Fraction(49, 4)  # 12.25, not 12.3
    assert status.progress == Fraction(49, 20)  # 2.45, not 2.46 → 2.5
    assert selectors.whole_percent(status.progress) == 2
    # The pages: the plan's overall progress, then its priorities'.
    assert shown_on_page("workplan:detail", "2020") == ["2%", "0%", "0%", "12%", "0%", "0%"]
    assert shown_on_page("home")[0] == "2%"
    assert shown_on_page("workplan:priority", "2020", "priority-3")[0] == "12%"


def test_the_api_gives_the_exact_mean_to_a_tenth_rounded_once():
    plan = make_plan([0], [0], [10, 10, 14, 15], [0], [0])
    third = plan.priorities.get(number=3)

    status = api("/api/v1/work-plans/2020/status/")

    assert status["progress"] == 2.5  # 2.45 half up: the same figure as the pages' 2 %, to a tenth
    assert [priority["progress"] for priority in status["priorities"]] == [0.0, 0.0, 12.3, 0.0, 0.0]
    assert api(f"/api/v1/priorities/{third.pk}/")["progress"] == 12.3


def test_a_new_report_keeps_the_exact_mean_and_shows_the_pages_figure():
    plan = make_plan([0], [0], [10, 10, 14, 15], [0], [0])

    (plan_progress, priorities), html, in_csv, in_xlsx = report_figures(plan)

    assert (plan_progress, priorities) == (2.45, [0.0, 0.0, 12.25, 0.0, 0.0])
    assert '<td class="number">12%</td>' in html
    assert '<td class="number">12.3%</td>' not in html
    assert re.search(r"Progress:\s+2%", html)
    assert in_csv["3"] == "12"
    assert in_xlsx == 2


def test_a_frozen_report_keeps_the_figures_it_was_frozen_with():
    """A content frozen before kept the priority to a tenth (12.3) and the plan as the mean
    of those (2.5): its files still show what they showed."""
    plan = make_plan([0], [0], [10, 10, 14, 15], [0], [0])
    content = build_content(report=StatusReportFactory(work_plan=plan, as_of=AS_OF))
    content["work_plan"]["progress"] = 2.5
    content["priorities"][2]["progress"] = 12.3

    sheet = openpyxl.load_workbook(io.BytesIO(render_file(content, format="xlsx", language="en"))).worksheets[0]

    assert next(row[1].value for row in sheet.iter_rows() if row[0].value == "Progress (%)") == 3
    assert '<td class="number">12%</td>' in render_html(content, language="en")


# A priority of 11 milestones or more: its own mean has more than one decimal.


def test_a_priority_of_eleven_milestones_is_rounded_once():
    # 82 / 11 = 7.4545…: 7 %, where 7.5 then 8 % came from rounding twice.
    plan = make_plan([82] + [0] * 10)
    priority = plan.priorities.get()

    status = selectors.priority_status(priority=priority)

    assert status.progress == Fraction(82, 11)
    assert shown_on_page("workplan:priority", "2020", priority.slug)[0] == "7%"
    assert shown_on_page("workplan:detail", "2020") == ["7%", "7%"]
    assert api(f"/api/v1/priorities/{priority.pk}/")["progress"] == 7.5
    assert api("/api/v1/work-plans/2020/status/")["progress"] == 7.5
    (plan_progress, _priorities), _html, in_csv, in_xlsx = report_figures(plan)
    assert selectors.whole_percent(plan_progress) == 7
    assert (in_csv["1"], in_xlsx) == ("7", 7)


# Halves are rounded up, once.


def test_an_exact_half_is_rounded_up():
    # Priorities of 32.5 % and 12.5 %; the plan 22.5 %.
    plan = make_plan([30, 35], [10, 15])

    status = selectors.work_plan_status(work_plan=plan)

    assert (status.priorities[0].progress, status.priorities[1].progress) == (Fraction(65, 2), Fraction(25, 2))
    assert status.progress == Fraction(45, 2)
    assert shown_on_page("workplan:detail", "2020") == ["23%", "33%", "13%"]
    assert api("/api/v1/work-plans/2020/status/")["progress"] == 22.5


@pytest.mark.parametrize(
    ("value", "whole", "tenth"),
    [
        (Fraction(5, 2), 3, 2.5),
        (Fraction(49, 20), 2, 2.5),
        (Fraction(1, 20), 0, 0.1),
        (Fraction(199, 2), 100, 99.5),
        (Fraction(100, 3), 33, 33.3),
        (Fraction(200, 3), 67, 66.7),
        (Fraction(41, 11), 4, 3.7),
        (32.5, 33, 32.5),
        (2.45, 2, 2.5),
        (0, 0, 0.0),
        (None, None, None),
    ],
)
def test_one_rounding_rule_half_up_from_the_exact_value(value, whole, tenth):
    assert selectors.whole_percent(value) == whole
    assert selectors.tenth_percent(value) == tenth


def test_a_kept_float_rounds_as_its_exact_mean():
    """A report's content keeps the exact mean as a float: for any priority of up to 40
    milestones, the whole percent shown from the float is the exact mean's."""
    for count in range(1, 41):
        for total in range(0, 100 * count + 1):
            exact = Fraction(total, count)
            assert selectors.whole_percent(float(exact)) == selectors.whole_percent(exact), (total, count)


# The status shares were rounded once already: they stay so.


@pytest.mark.parametrize(
    ("counts", "shares"),
    [
        ({S.ON_TRACK: 19, S.DELAYED: 2}, {S.ON_TRACK: 90, S.DELAYED: 10}),
        ({S.ON_TRACK: 1, S.NOT_STARTED: 7}, {S.ON_TRACK: 13, S.NOT_STARTED: 88}),
        ({S.ON_TRACK: 1, S.AT_RISK: 1, S.COMPLETED: 1}, {S.ON_TRACK: 33, S.AT_RISK: 33, S.COMPLETED: 33}),
        ({}, {}),
    ],
)
def test_status_shares_are_whole_percents_of_the_exact_fraction(counts, shares):
    result = {share.status: share.share for share in selectors.status_shares(counts) if share.count}

    assert result == shares
    assert all(share.share == 0 for share in selectors.status_shares(counts) if not share.count)
