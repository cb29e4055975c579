"""Celery tasks of the status reports and of the scheduled work on milestones. Thin: each
takes ids or plain values, calls one service and owns its retries.

``render_report_file`` may run twice for one file (a redelivery after a lost worker, the
sweeper): the service claims the file before working, so a second run never renders it
at the same time. That is what makes ``acks_late`` with ``reject_on_worker_lost`` safe: a
task redelivered because its worker was killed finds the file still claimed, waits for
the claim to lapse (``services.render_lease``) and renders it then, once.
"""

import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

RENDER_MAX_RETRIES = 3
RENDER_TIME_LIMIT = services.RENDER_TIME_LIMIT
RENDER_SOFT_TIME_LIMIT = 240
# The sweeper waits this long before enqueuing a pending file again.
SWEEP_PENDING_MINUTES = 10
# Errors that may pass (the database restarting or out of reach, the mail server too): a
# task tries again later. Any other error would fail again the same way: it is not retried.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)


# Run again after a lost worker: the service claims the file (see above).
@shared_task(
    bind=True,
    autoretry_for=(services.RenderRetry,),
    max_retries=RENDER_MAX_RETRIES,
    retry_backoff=10,
    retry_backoff_max=300,
    retry_jitter=True,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=RENDER_TIME_LIMIT,
    soft_time_limit=RENDER_SOFT_TIME_LIMIT,
)
def render_report_file(self, file_id: int) -> str | None:
    """Render one file of a frozen report; returns its status, or None when it was not
    pending (already rendered, or being rendered elsewhere)."""
    # Run eagerly (no broker), a retry would come at once and its exception reach the
    # caller: the first failure is final there, and the file can be re-queued.
    final_attempt = bool(self.request.is_eager) or self.request.retries >= self.max_retries
    try:
        file = services.report_file_render(file_id=file_id, final_attempt=final_attempt)
    except services.RenderBusy as busy:
        if self.request.is_eager:
            return None
        # Claimed by a rendering that may be alive, or by a killed worker whose task this
        # is, redelivered: come back once the claim has lapsed. A new message, not a retry:
        # this is no failed attempt, and must not use up the retries of real failures.
        render_report_file.apply_async((file_id,), countdown=busy.seconds + 1)
        return None
    return file.status if file else None


# Run again after a lost worker: it only re-enqueues files, which the render task claims.
@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=120, soft_time_limit=100)
def sweep_pending_report_files(pending_minutes: int = SWEEP_PENDING_MINUTES) -> int:
    """Enqueue again the files pending for more than ``pending_minutes`` (the broker was
    down) and take back those a dead worker left running."""
    return services.report_files_sweep(pending_for=datetime.timedelta(minutes=pending_minutes))


# Run again after a lost worker: a milestone marked already is left alone.
@shared_task(
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=3,
    retry_backoff=60,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=600,
    soft_time_limit=540,
)
def mark_overdue_milestones() -> int:
    """Daily: mark delayed the milestones past due and not finished (idempotent)."""
    return services.milestones_mark_overdue()


# Run again after a lost worker: each reminder is claimed (recorded) before it is sent, and
# a run sends only those it claims, so a second run never sends one twice.
@shared_task(
    autoretry_for=(OSError,),
    max_retries=3,
    retry_backoff=300,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=600,
    soft_time_limit=540,
)
def remind_upcoming_milestones(days: int = services.REMINDER_WINDOW_DAYS) -> int:
    """Weekly: e-mail the seats' contacts about the milestones due in the next ``days``.
    ``acks_late``: a run after a lost worker sends the reminders the first one had not
    claimed, none of those it had (one it claimed and never sent is lost, not sent twice)."""
    return services.milestones_remind_upcoming(days=days)
