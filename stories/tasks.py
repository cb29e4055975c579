"""Thin Celery tasks: they load rows and call services."""

import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from cogwg import outbox
from cogwg.choices import EmailSkipReason

from . import notifications
from .models import UserStory
from .services import datasets_harvest_all

logger = logging.getLogger(__name__)

# An e-mail to a submitter that fails (the mail server unreachable, or failing for a
# while) is tried again this many times, 1, 2, 4… minutes apart, 10 at most.
SUBMITTER_EMAIL_RETRIES = 5
SUBMITTER_EMAIL_BACKOFF = 60
SUBMITTER_EMAIL_BACKOFF_MAX = 600


class SubmitterEmailFailed(Exception):
    """An e-mail to a story's submitter that could not be sent. It names the story and
    the kind of error, never the address: the mail server's answer, which may quote the
    address, stays out of the logs and the task's result."""

    def __init__(self, kind: str, story_id: int, error: OSError):
        code = getattr(error, "smtp_code", None)
        reason = type(error).__name__ + (f" {code}" if code else "")
        super().__init__(f"The {kind} e-mail to the submitter of story {story_id} was not sent: {reason}")


# One dataset at a time against slow portals: longer than the default task time limit.
# Run again after a lost worker: it stores what each portal says now, a second run the same.
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=60 * 60, time_limit=60 * 60 + 60)
def harvest_datasets():
    """Weekly (Celery beat): refresh every dataset from its portal. Idempotent."""
    return datasets_harvest_all().as_dict()


# Not run again after a lost worker: what it sent is not recorded, a second run would send
# it again. A job its worker lost before claiming it is still pending: the sweeper queues it.
@shared_task(bind=True, max_retries=SUBMITTER_EMAIL_RETRIES)
def send_submitter_email(self, kind: str, story_id: int, job: int | None = None) -> bool | None:
    """E-mail ``kind`` (received, published, rejected) to the submitter of the story
    ``story_id`` (stories/notifications.py); False when the story is gone, has no
    submitter's address, its decision no longer stands, or the mail server refused that
    address for good (trying again would be refused again): its job is then done with the reason.
    Any other failure of the mail server is tried again later. What is logged names the
    story, never the address. ``job``: its outbox row (cogwg/outbox.py), claimed before
    sending and marked done after; None (sent nothing) when it was not pending."""
    return outbox.deliver(
        job, lambda: _send_submitter_email(self, kind, story_id), may_pass=(OSError, SubmitterEmailFailed)
    )


def _send_submitter_email(task, kind: str, story_id: int) -> bool | outbox.Skipped:
    story = UserStory.objects.filter(pk=story_id).first()
    if story is None:
        return outbox.Skipped(EmailSkipReason.GONE)
    try:
        return notifications.send(kind=kind, story=story)
    except OSError as error:
        failed = error
    # Refused for good (no such mailbox: cogwg/outbox.py judges it so for every e-mail), it
    # would be refused again; refused for now (4xx), it is tried again, as any failure.
    if outbox.recipients_refused(failed):
        logger.warning(
            "The %s e-mail to the submitter of story %s was not sent: the mail server refused the address",
            kind,
            story_id,
            extra={"event": "submitter_email_refused", "story": story_id, "kind": kind},
        )
        return outbox.Skipped(EmailSkipReason.REFUSED)
    # Raised outside the except block, so that the original error (and the address the
    # server's answer may quote) is not chained to it in a traceback.
    countdown = get_exponential_backoff_interval(
        factor=SUBMITTER_EMAIL_BACKOFF,
        retries=task.request.retries,
        maximum=SUBMITTER_EMAIL_BACKOFF_MAX,
        full_jitter=True,
    )
    raise task.retry(exc=SubmitterEmailFailed(kind, story_id, failed), countdown=countdown)
