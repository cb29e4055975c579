"""The nightly marking of past-due milestones (``milestones_mark_overdue``) writes an
automatic "Delayed" update dated the day it runs. The truth wins over it, whichever came
first: a completion (or a cancellation) dated on or before a mark's day, published after
the job ran, withdraws the mark in the same transaction, with history
(``services.overdue_marks_withdraw_stale``), and the job does not mark a milestone that
its log says was completed as of its day. A completion dated after a mark leaves the mark
in the log (it was true until then); the milestone is completed all the same."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from cogwg.choices import PublicationState
from cogwg.reports.services import milestones_mark_overdue
from tests.factories import MilestoneFactory, StaffFactory
from workplan import services
from workplan.choices import MilestoneStatus
from workplan.models import ProgressUpdate
from workplan.selectors import work_plan_status

pytestmark = pytest.mark.django_db

NOV_1 = datetime.date(2020, 11, 1)
DUE = datetime.date(2020, 11, 20)
JOB_DAY = datetime.date(2020, 11, 21)
S = MilestoneStatus


@pytest.fixture
def secretariat():
    return StaffFactory(username="secretariat")


@pytest.fixture
def milestone():
    """Due on 20 November 2020, on track at 60 % since 1 November."""
    milestone = MilestoneFactory(due_date=DUE, description_en="Release the guide", description_fr="Publier le guide")
    post(milestone, NOV_1, S.ON_TRACK, 60)
    return milestone


def post(milestone, day, status, progress, **kwargs):
    return services.milestone_post_update(
        milestone=milestone, reported_on=day, status=status, progress=progress, note_en="n", note_fr="n", **kwargs
    )


def current(milestone):
    milestone.refresh_from_db()
    return milestone.status, milestone.progress, milestone.completed_on


def the_mark(milestone):
    return ProgressUpdate.objects.get(milestone=milestone, overdue_mark=True)


def state_as_of(milestone, day):
    plan_status = work_plan_status(work_plan=milestone.priority.work_plan, as_of=day)
    (state,) = [state for state in plan_status.milestones if state.milestone.pk == milestone.pk]
    return state.status, state.progress, state.overdue


def api_state(client, milestone, **params):
    body = client.get(f"/api/v1/work-plans/{milestone.priority.work_plan.slug}/status/", params).json()
    (row,) = [row for priority in body["priorities"] for row in priority["milestones"] if row["id"] == milestone.pk]
    return row["status"], row["progress"], row["overdue"], [row["id"] for row in body["overdue"]]


def publish_draft(milestone, day, status, progress, by):
    draft = post(milestone, day, status, progress, publish=False)
    return lambda: services.progress_update_publish(update=draft, by=by)


def post_published(milestone, day, status, progress, by):
    return lambda: post(milestone, day, status, progress, by=by)


@pytest.mark.parametrize("path", [publish_draft, post_published])
def test_a_completion_on_the_due_date_published_after_the_job_withdraws_its_mark(client, milestone, secretariat, path):
    # Completed on the due date; waiting for review (or typed in later) while the job runs.
    publish = path(milestone, DUE, S.COMPLETED, 100, secretariat)
    assert milestones_mark_overdue(on=JOB_DAY) == 1
    mark = the_mark(milestone)
    assert current(milestone) == (S.DELAYED, 60, None)

    publish()

    assert current(milestone) == (S.COMPLETED, 100, DUE)
    mark.refresh_from_db()
    assert (mark.publication_state, mark.published_at) == (PublicationState.DRAFT, None)
    # Withdrawn as a person withdraws an update: its history says by whom and why.
    latest = mark.history.first()
    assert (latest.history_type, latest.publication_state, latest.history_user) == (
        "~",
        PublicationState.DRAFT,
        secretariat,
    )
    assert latest.history_change_reason == services.OVERDUE_MARK_WITHDRAWN
    # Pages, reports and the API read the same: completed, never overdue, on any day.
    assert state_as_of(milestone, JOB_DAY) == (S.COMPLETED, 100, False)
    assert state_as_of(milestone, datetime.date(2020, 12, 31)) == (S.COMPLETED, 100, False)
    assert api_state(client, milestone) == (S.COMPLETED, 100, False, [])
    assert api_state(client, milestone, as_of="2020-11-21") == (S.COMPLETED, 100, False, [])


def test_a_cancellation_published_after_the_job_withdraws_its_mark(milestone, secretariat):
    publish = publish_draft(milestone, datetime.date(2020, 11, 15), S.CANCELLED, 60, secretariat)
    milestones_mark_overdue(on=JOB_DAY)

    publish()

    assert current(milestone) == (S.CANCELLED, 60, None)
    assert the_mark(milestone).publication_state == PublicationState.DRAFT


def test_the_job_does_not_mark_a_milestone_completed_as_of_its_day(milestone, secretariat):
    # Completed on the due date and published before the job runs: nothing to mark.
    post(milestone, DUE, S.COMPLETED, 100, by=secretariat)
    assert milestones_mark_overdue(on=JOB_DAY) == 0
    # Another, completed on the due date, then reopened on the 25th (its current status),
    # and the job run for the 21st (a missed night caught up): it was completed that day.
    reopened = MilestoneFactory(priority=milestone.priority, due_date=DUE)
    post(reopened, DUE, S.COMPLETED, 100)
    post(reopened, datetime.date(2020, 11, 25), S.ON_TRACK, 90)

    assert milestones_mark_overdue(on=JOB_DAY) == 0

    assert not ProgressUpdate.objects.filter(overdue_mark=True).exists()
    assert current(milestone) == (S.COMPLETED, 100, DUE)
    assert current(reopened) == (S.ON_TRACK, 90, None)
    assert state_as_of(reopened, JOB_DAY) == (S.COMPLETED, 100, False)
    # Open again and past due: the next night marks it.
    assert milestones_mark_overdue(on=datetime.date(2020, 11, 26)) == 1
    assert current(reopened) == (S.DELAYED, 90, None)


def test_a_completion_dated_after_the_mark_leaves_the_mark_in_the_log(client, milestone, secretariat):
    publish = publish_draft(milestone, datetime.date(2020, 11, 25), S.COMPLETED, 100, secretariat)
    milestones_mark_overdue(on=JOB_DAY)

    publish()

    # Delayed from the 21st to the 25th: the mark was true for those days.
    assert the_mark(milestone).publication_state == PublicationState.PUBLISHED
    assert current(milestone) == (S.COMPLETED, 100, datetime.date(2020, 11, 25))
    assert state_as_of(milestone, datetime.date(2020, 11, 23)) == (S.DELAYED, 60, True)
    assert api_state(client, milestone) == (S.COMPLETED, 100, False, [])


def test_withdrawing_the_update_that_reopened_a_milestone_withdraws_the_marks_after_it(milestone, secretariat):
    post(milestone, DUE, S.COMPLETED, 100)
    reopening = post(milestone, datetime.date(2020, 11, 22), S.ON_TRACK, 90)
    assert milestones_mark_overdue(on=datetime.date(2020, 11, 23)) == 1

    services.progress_update_unpublish(update=reopening, by=secretariat)

    assert current(milestone) == (S.COMPLETED, 100, DUE)
    assert the_mark(milestone).publication_state == PublicationState.DRAFT


def test_a_withdrawn_mark_cannot_be_published_again(milestone, secretariat):
    publish = publish_draft(milestone, DUE, S.COMPLETED, 100, secretariat)
    milestones_mark_overdue(on=JOB_DAY)
    publish()
    mark = the_mark(milestone)

    with pytest.raises(ValidationError) as error:
        services.progress_update_publish(update=mark, by=secretariat)

    assert error.value.message_dict == {
        "reported_on": [
            "This automatic overdue mark no longer holds: the milestone was completed or cancelled by Nov. 21, 2020."
        ]
    }
    mark.refresh_from_db()
    assert mark.publication_state == PublicationState.DRAFT
    assert current(milestone) == (S.COMPLETED, 100, DUE)


def test_the_migration_finds_the_marks_written_before_it(milestone):
    milestones_mark_overdue(on=JOB_DAY)
    mark = the_mark(milestone)
    by_hand = post(milestone, datetime.date(2020, 11, 22), S.DELAYED, 60)
    ProgressUpdate.objects.update(overdue_mark=False)
    ProgressUpdate.history.update(overdue_mark=False)
    migration = importlib.import_module("workplan.migrations.0006_progress_update_overdue_mark")

    migration.mark_overdue_marks(apps, None)

    assert list(ProgressUpdate.objects.filter(overdue_mark=True)) == [mark]
    assert set(ProgressUpdate.history.filter(overdue_mark=True).values_list("id", flat=True)) == {mark.pk}
    assert not by_hand.history.filter(overdue_mark=True).exists()
