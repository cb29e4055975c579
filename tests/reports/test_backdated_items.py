"""Every published accomplishment and challenge is in a report of the plan, whatever the
day it is dated back to: a report takes in what is dated before its period that no report
before it took (cogwg.reports.selectors.in_period), and what a report showed, the next
does not show again (tests/reports/test_each_record_once.py: whatever ``published_at``
says)."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cogwg.reports.content import build_content
from cogwg.reports.services import report_freeze
from jurisdictions.choices import ChallengeStatus
from tests.factories import (
    AccomplishmentFactory,
    ChallengeFactory,
    JurisdictionFactory,
    MilestoneFactory,
    PriorityFactory,
    StatusReportFactory,
    WorkPlanFactory,
)

pytestmark = pytest.mark.django_db


def at(year, month, day):
    return datetime.datetime(year, month, day, 15, tzinfo=datetime.UTC)


@pytest.fixture
def plan(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # no files rendered
    plan = WorkPlanFactory(slug="2020", start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2020, 12, 31))
    MilestoneFactory(priority=PriorityFactory(work_plan=plan))
    return plan


def freeze(plan, as_of, moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return report_freeze(report=StatusReportFactory(work_plan=plan, as_of=as_of))


def accomplishment(title, *, date, published_at):
    return AccomplishmentFactory(
        jurisdiction=JurisdictionFactory(), title_en=title, date=date, published_at=published_at
    )


def titles(report, section):
    return [item["title"]["en"] for item in report.content[section]]


def test_an_accomplishment_dated_back_before_the_period_is_in_the_next_report_and_no_other(plan):
    accomplishment("early", date=datetime.date(2020, 1, 10), published_at=at(2020, 2, 1))
    first = freeze(plan, datetime.date(2020, 2, 27), at(2020, 3, 1))
    # Published in May for something done in January (no meeting): the first report could not show it.
    accomplishment("late", date=datetime.date(2020, 1, 10), published_at=at(2020, 5, 1))
    accomplishment("june", date=datetime.date(2020, 6, 1), published_at=at(2020, 6, 2))
    second = freeze(plan, datetime.date(2020, 6, 30), at(2020, 7, 2))
    third = freeze(plan, datetime.date(2020, 9, 30), at(2020, 10, 1))

    assert titles(first, "accomplishments") == ["early"]
    assert titles(second, "accomplishments") == ["june", "late"]
    assert second.content["report"]["period_start"] == "2020-02-28"
    assert titles(third, "accomplishments") == []


def test_one_dated_after_the_report_waits_for_the_report_of_its_date(plan):
    freeze(plan, datetime.date(2020, 2, 27), at(2020, 3, 1))
    # Published before the second report, dated after it (a meeting's date, say).
    accomplishment("autumn", date=datetime.date(2020, 7, 1), published_at=at(2020, 7, 1))
    second = freeze(plan, datetime.date(2020, 6, 30), at(2020, 7, 2))
    third = freeze(plan, datetime.date(2020, 9, 30), at(2020, 10, 1))

    assert titles(second, "accomplishments") == []
    assert titles(third, "accomplishments") == ["autumn"]


def test_a_challenge_reported_and_resolved_before_the_period_but_published_after_the_last_report_is_new(plan):
    ChallengeFactory(
        title_en="solved and shown",
        first_reported_on=datetime.date(2020, 1, 5),
        resolved_on=datetime.date(2020, 1, 20),
        status=ChallengeStatus.RESOLVED,
        published_at=at(2020, 2, 1),
    )
    freeze(plan, datetime.date(2020, 2, 27), at(2020, 3, 1))
    ChallengeFactory(
        title_en="solved in January",
        first_reported_on=datetime.date(2020, 1, 5),
        resolved_on=datetime.date(2020, 1, 20),
        status=ChallengeStatus.RESOLVED,
        published_at=at(2020, 5, 1),
    )
    second = freeze(plan, datetime.date(2020, 6, 30), at(2020, 7, 2))
    third = freeze(plan, datetime.date(2020, 9, 30), at(2020, 10, 1))

    assert [(c["title"]["en"], c["new"], c["status"]) for c in second.content["challenges"]] == [
        ("solved in January", True, ChallengeStatus.RESOLVED)
    ]
    assert titles(third, "challenges") == []


def test_a_plans_first_report_takes_what_is_dated_before_the_plan_and_in_no_report(plan):
    accomplishment("before the plan", date=datetime.date(2019, 12, 1), published_at=at(2020, 2, 1))

    assert titles(freeze(plan, datetime.date(2020, 2, 27), at(2020, 3, 1)), "accomplishments") == ["before the plan"]


def test_the_content_runs_the_same_queries_whatever_was_dated_back(plan):
    freeze(plan, datetime.date(2020, 2, 27), at(2020, 3, 1))
    draft = StatusReportFactory(work_plan=plan, as_of=datetime.date(2020, 6, 30))
    counts = []
    for added in (1, 4):
        for n in range(added):
            accomplishment(f"late{len(counts)}{n}", date=datetime.date(2020, 1, 10), published_at=at(2020, 5, 1))
        with CaptureQueriesContext(connection) as queries:
            content = build_content(report=draft)
        counts.append((len(queries), len(content["accomplishments"])))

    assert counts[0][0] == counts[1][0]
    assert [shown for _, shown in counts] == [1, 5]
