"""Celery tasks of the reporting cycles (cogwg/cycles.py). Thin: each calls one service."""

from celery import shared_task

from . import cycles


@shared_task(autoretry_for=(OSError,), max_retries=3, retry_backoff=300, time_limit=600, soft_time_limit=540)
def send_period_reminders() -> int:
    """Weekly: remind the jurisdictions that have not submitted their updates for an open
    reporting period. A jurisdiction is reminded at most once in ``REMINDER_INTERVAL``, and
    each reminder is recorded as it is sent, so a retry or a second run sends nothing twice."""
    return cycles.periods_remind()
