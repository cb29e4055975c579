import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from cogwg.reports.diff import compare
from cogwg.reports.services import report_changes, report_freeze, report_publish
from jurisdictions.choices import ChallengeStatus
from tests.factories import StatusReportFactory
from tests.reports.conftest import APRIL_1, FEB_27
from workplan.choices import MilestoneStatus
from workplan.services import milestone_post_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_reports(plan, draft_report):
    first = report_freeze(report=draft_report)
    milestone_post_update(
        milestone=plan.group, reported_on=datetime.date(2020, 3, 30), status=MilestoneStatus.AT_RISK, progress=10
    )
    second = report_freeze(report=StatusReportFactory(work_plan=plan.work_plan, as_of=APRIL_1))
    return first, second


def ids(items, key="id"):
    return [item[key] for item in items]


def test_changes_between_two_reports(plan, two_reports):
    first, second = two_reports

    changes = compare(first.content, second.content)

    assert changes["previous_report"] == {
        "id": first.pk,
        "title": first.content["report"]["title"],
        "as_of": "2020-02-27",
    }
    assert changes["report"]["as_of"] == "2020-04-01"
    assert changes["work_plan"] == {
        "status_before": MilestoneStatus.ON_TRACK,
        "status_after": MilestoneStatus.AT_RISK,
        "progress_before": 10.0,
        "progress_after": 27.5,
    }
    assert [(c["priority"]["number"], c["status_before"], c["status_after"]) for c in changes["priorities"]] == [
        (1, MilestoneStatus.ON_TRACK, MilestoneStatus.NOT_STARTED),
        (2, MilestoneStatus.NOT_STARTED, MilestoneStatus.AT_RISK),
    ]
    assert ids(changes["milestones_completed"]) == [plan.inventory.pk]
    assert (
        changes["milestones_completed"][0]["description"]["fr"]
        == "Inventaire initial des récits d'utilisateurs établi."
    )
    assert [(c["milestone"]["id"], c["status_before"], c["status_after"]) for c in changes["milestones"]] == [
        (plan.group.pk, MilestoneStatus.NOT_STARTED, MilestoneStatus.AT_RISK)
    ]
    assert ids(changes["accomplishments"]) == [plan.later.pk]
    assert ids(changes["challenges_opened"]) == [plan.legal.pk]
    assert ids(changes["challenges_resolved"]) == [plan.transition.pk]
    assert changes["challenges_resolved"][0]["status"] == ChallengeStatus.RESOLVED


def test_a_report_compared_with_itself_shows_no_change(two_reports):
    _, second = two_reports

    changes = compare(second.content, second.content)

    assert changes["work_plan"] is None
    for key in ("priorities", "milestones", "milestones_completed", "accomplishments"):
        assert changes[key] == []
    assert changes["challenges_opened"] == changes["challenges_resolved"] == []


def test_first_report_shows_everything_as_new(plan, draft_report, staff):
    report = report_freeze(report=draft_report)

    changes = report_changes(report=report, user=staff)

    assert changes["previous_report"] is None
    assert changes["milestones_completed"] == []
    assert ids(changes["accomplishments"]) == [plan.portal.pk, plan.before_plan.pk]
    assert sorted(ids(changes["challenges_opened"])) == sorted([plan.resources_challenge.pk, plan.transition.pk])


def test_report_changes_compares_with_the_previous_frozen_report_of_the_plan(plan, two_reports, staff):
    first, second = two_reports

    assert report_changes(report=second, user=staff) == compare(first.content, second.content)
    assert report_changes(report=first, user=staff)["previous_report"] is None


def frozen(plan, as_of, title, *, publish=False):
    report = report_freeze(report=StatusReportFactory(work_plan=plan.work_plan, as_of=as_of, title_en=title))
    return report_publish(report=report) if publish else report


def test_a_frozen_report_keeps_the_baseline_recorded_when_it_was_frozen(plan, staff):
    first = frozen(plan, FEB_27, "February", publish=True)
    october = frozen(plan, datetime.date(2020, 10, 15), "October", publish=True)
    recorded = report_changes(report=october, user=staff)

    # Frozen after October, with an earlier date: the next report's baseline, not October's.
    september = frozen(plan, datetime.date(2020, 9, 1), "September", publish=True)

    assert october.content["report"]["previous_report"]["id"] == first.pk
    for user in (staff, AnonymousUser()):
        changes = report_changes(report=october, user=user)
        assert changes == recorded == compare(first.content, october.content)
        assert changes["previous_report"]["id"] == first.pk
    assert report_changes(report=september, user=staff)["previous_report"]["id"] == first.pk


def test_a_report_frozen_first_stays_the_first_though_an_earlier_one_is_frozen_later(plan, staff):
    october = frozen(plan, datetime.date(2020, 10, 15), "October", publish=True)

    frozen(plan, datetime.date(2020, 9, 1), "September", publish=True)

    assert report_changes(report=october, user=staff) == compare(None, october.content)


def test_the_public_sees_no_comparison_with_a_report_it_may_not_see(plan, staff):
    february = frozen(plan, FEB_27, "February")
    april = frozen(plan, APRIL_1, "April", publish=True)

    public = report_changes(report=april, user=AnonymousUser())
    secretariat = report_changes(report=april, user=staff)

    assert public == compare(None, april.content)
    assert public["previous_report"] is None
    assert ids(public["accomplishments"]) == ids(april.content["accomplishments"]) == [plan.later.pk]
    assert secretariat == compare(february.content, april.content)


def test_publishing_the_baseline_shows_the_public_the_recorded_comparison(plan, staff):
    february = frozen(plan, FEB_27, "February")
    april = frozen(plan, APRIL_1, "April", publish=True)
    assert report_changes(report=april, user=AnonymousUser())["previous_report"] is None

    report_publish(report=february)

    assert report_changes(report=april, user=AnonymousUser()) == compare(february.content, april.content)
