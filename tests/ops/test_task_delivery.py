"""How each Celery task is delivered. A task is acknowledged as a worker takes it, unless
it is idempotent: then it acknowledges late and is run again when its worker is lost
(``acks_late``, ``reject_on_worker_lost``). An e-mail task that does not record what it
sent would send it twice. Redis gives an unacknowledged task to another worker only once
the longest task would have been stopped (the broker's ``visibility_timeout``). The
daily marking of overdue milestones tries again after an error that may pass, never after
one that would come back."""

import pytest
from celery.exceptions import Retry
from django.db import InterfaceError, OperationalError

from cogwg.celery import app
from cogwg.reports import tasks as report_tasks
from cogwg.reports.services import render_lease
from cogwg.settings import base
from stories.tasks import SUBMITTER_EMAIL_BACKOFF_MAX

# Every task of the project, and whether it is run again after its worker is lost. A new
# task fails the first test until it is decided here, on purpose.
RUN_AGAIN_AFTER_A_LOST_WORKER = {
    # Idempotent: a second run does what the first did, or finds it done.
    "cogwg.tasks.check_links": True,
    "cogwg.tasks.dispose_of_personal_information": True,
    "cogwg.reports.tasks.render_report_file": True,
    "cogwg.reports.tasks.sweep_pending_report_files": True,
    "cogwg.reports.tasks.mark_overdue_milestones": True,
    "stories.tasks.harvest_datasets": True,
    # It only queues e-mail jobs again, which the e-mail tasks claim (cogwg/outbox.py).
    "cogwg.notification_tasks.sweep_pending_emails": True,
    # E-mails claimed (recorded) before they are sent: a second run sends none twice.
    "cogwg.reports.tasks.remind_upcoming_milestones": True,
    "cogwg.cycle_tasks.send_period_reminders": True,
    # E-mails whose job is claimed before sending (cogwg/outbox.py): one its worker lost
    # while sending stays claimed, as it may have gone out; one lost before, the sweeper sends.
    "cogwg.cycle_tasks.send_period_closed_summaries": False,
    "cogwg.notification_tasks.send_review_email": False,
    "stories.tasks.send_submitter_email": False,
}


def project_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_only_the_idempotent_tasks_are_run_again_after_a_lost_worker():
    tasks = project_tasks()

    assert {name: bool(task.acks_late) for name, task in tasks.items()} == RUN_AGAIN_AFTER_A_LOST_WORKER
    # Given back when the worker's process dies, not only after the visibility timeout.
    assert {name: bool(task.reject_on_worker_lost) for name, task in tasks.items()} == RUN_AGAIN_AFTER_A_LOST_WORKER
    # Nothing is acknowledged late unless the task says so.
    assert not getattr(base, "CELERY_TASK_ACKS_LATE", False)
    assert not getattr(base, "CELERY_TASK_REJECT_ON_WORKER_LOST", False)


def test_redis_gives_a_task_to_another_worker_only_once_the_longest_task_was_stopped():
    visibility_timeout = base.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    limits = {name: task.time_limit or base.CELERY_TASK_TIME_LIMIT for name, task in project_tasks().items()}

    # check_links, the longest, is stopped after 2 h 1 min.
    assert max(limits.values()) == 2 * 60 * 60 + 60
    assert all(limit < visibility_timeout for limit in limits.values()), (visibility_timeout, limits)
    # A task waits out a retry's countdown unacknowledged too: the longest backoffs (600 s
    # by Celery's default), the submitter's e-mail's, a rendering waiting for its file.
    countdowns = [
        getattr(task, "retry_backoff_max", 600)
        for task in project_tasks().values()
        if getattr(task, "retry_backoff", False)
    ]
    countdowns += [SUBMITTER_EMAIL_BACKOFF_MAX, render_lease().total_seconds() + 1]
    assert max(countdowns) < visibility_timeout, countdowns


@pytest.fixture
def marking(monkeypatch):
    """The service behind the daily task, failing with the errors given, then marking 2."""

    def make(*errors):
        calls = []

        def milestones_mark_overdue():
            calls.append(len(calls) + 1)
            if len(calls) <= len(errors):
                raise errors[len(calls) - 1]
            return 2

        monkeypatch.setattr(report_tasks.services, "milestones_mark_overdue", milestones_mark_overdue)
        return calls

    return make


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
        ConnectionRefusedError(111, "Connection refused"),
    ],
    ids=["database unreachable", "connection closed", "OSError"],
)
def test_marking_overdue_is_tried_again_after_an_error_that_may_pass(marking, error):
    calls = marking(error)

    # Run eagerly, the task raises the retry it asks the broker for.
    with pytest.raises(Retry) as retry:
        report_tasks.mark_overdue_milestones.apply()

    assert retry.value.exc is error
    assert calls == [1]


@pytest.mark.parametrize(
    "error", [ValueError("bad date"), KeyError("status"), TypeError("unexpected")], ids=lambda e: type(e).__name__
)
def test_marking_overdue_is_not_tried_again_after_an_error_that_would_come_back(marking, error):
    calls = marking(error)

    with pytest.raises(type(error)) as raised:
        report_tasks.mark_overdue_milestones.apply()

    assert raised.value is error
    assert calls == [1]
