"""Celery tasks of the review's e-mails (cogwg/notifications.py). Thin: each loads the
record and calls one function."""

from celery import shared_task
from django.apps import apps

from . import notifications


# Not run again after a lost worker: what it sent is not recorded, a second run would send it again.
@shared_task(autoretry_for=(OSError,), max_retries=5, retry_backoff=60)
def send_review_email(event: str, label: str, pk: int) -> bool:
    """E-mail ``event`` (submitted, published, returned) about the record ``label``/``pk``;
    False when the record is gone or nobody is to be told."""
    record = apps.get_model(label)._default_manager.filter(pk=pk).first()
    if record is None:
        return False
    return notifications.send(event=event, record=record)
