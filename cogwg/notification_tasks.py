"""Celery tasks of the review's e-mails (cogwg/notifications.py), and the sweeper of the
e-mail jobs' outbox (cogwg/outbox.py). Thin: each loads the record and calls one function."""

import datetime

from celery import shared_task
from django.apps import apps

from . import notifications, outbox
from .choices import EmailSkipReason


# Not run again after a lost worker: what it sent is not recorded, a second run would send
# it again. A job its worker lost before claiming it is still pending: the sweeper queues it.
@shared_task(autoretry_for=(OSError,), max_retries=5, retry_backoff=60)
def send_review_email(event: str, label: str, pk: int, job: int | None = None) -> bool | None:
    """E-mail ``event`` (submitted, published, returned) about the record ``label``/``pk``;
    False when the record is gone, has moved on since (``notifications.still_holds``: a
    record submitted for review already published or returned…), the same event happened
    again since (a later job sends it: ``outbox.superseded``), nobody is to be told, or the
    mail server refused every recipient for good (trying again would be refused again),
    its job then done with the reason. ``job``: its outbox row, claimed before sending and
    marked done after; None (sent nothing) when it was not pending."""

    def send():
        record = apps.get_model(label)._default_manager.filter(pk=pk).first()
        if record is None:
            return outbox.Skipped(EmailSkipReason.GONE)
        return notifications.send(event=event, record=record)

    return outbox.deliver(job, send)


# Run again after a lost worker: it only queues jobs again, which the e-mail tasks claim.
@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=120, soft_time_limit=100)
def sweep_pending_emails(pending_minutes: int = outbox.SWEEP_PENDING_MINUTES) -> int:
    """Every 5 minutes (Celery beat): queue again the e-mail jobs pending for more than
    ``pending_minutes`` (the broker was down when they were queued)."""
    return outbox.sweep(pending_for=datetime.timedelta(minutes=pending_minutes))
