"""Celery tasks of the reporting cycles (cogwg/cycles.py). Thin: each calls one service."""

from celery import shared_task

from workplan.models import ProgressUpdate

from . import cycles, outbox
from .models import ReportingPeriod


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
def send_period_reminders() -> int:
    """Weekly: remind the jurisdictions that have not submitted their updates for an open
    reporting period. A jurisdiction is reminded at most once in ``REMINDER_INTERVAL``, and
    each reminder is claimed before it is sent, so a retry or a second run sends nothing twice."""
    return cycles.periods_remind()


# Not run again after a lost worker: its job (cogwg/outbox.py) stays claimed, and a summary
# it was sending may have gone out. A retry after the mail server failed part way sends
# only the summaries not sent yet: each is claimed before it is sent.
@shared_task(autoretry_for=(OSError,), max_retries=3, retry_backoff=60)
def send_period_closed_summaries(
    period_pk: int, update_pks: list[int], left_pks: list[int] | None = None, job: int | None = None
) -> int | None:
    """Once a period is closed: e-mail each submitter one summary of their updates that
    closing published (rather than one e-mail per update), and of those it left
    unpublished (``left_pks``: their note in one language only; none in a task queued
    before there were such). Returns the messages sent; None when its ``job`` was not
    pending (sent already)."""

    def send():
        period = ReportingPeriod.objects.filter(pk=period_pk).first()
        if period is None:
            return 0
        return cycles.period_closed_notify(
            period=period,
            updates=ProgressUpdate.objects.filter(pk__in=update_pks),
            left=ProgressUpdate.objects.filter(pk__in=left_pks or []),
        )

    return outbox.deliver(job, send)
