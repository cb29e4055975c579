import datetime

import pytest

from cogwg.reports.diff import compare
from cogwg.reports.services import report_changes, report_freeze
from jurisdictions.choices import ChallengeStatus
from tests.factories import StatusReportFactory
from tests.reports.conftest import APRIL_1
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


def test_first_report_shows_everything_as_new(plan, draft_report):
    report = report_freeze(report=draft_report)

    changes = report_changes(report)

    assert changes["previous_report"] is None
    assert changes["milestones_completed"] == []
    assert ids(changes["accomplishments"]) == [plan.portal.pk]
    assert sorted(ids(changes["challenges_opened"])) == sorted([plan.resources_challenge.pk, plan.transition.pk])


def test_report_changes_compares_with_the_previous_frozen_report_of_the_plan(plan, two_reports):
    first, second = two_reports

    assert report_changes(second) == compare(first.content, second.content)
    assert report_changes(first)["previous_report"] is None
