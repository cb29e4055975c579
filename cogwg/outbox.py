"""The e-mail tasks' outbox: no e-mail is lost while the broker is down.

A service calls ``enqueue(task, *args)`` inside its transaction: an ``EmailJob`` row (the
task's name and arguments) is written with the change that causes the e-mail, and the task
is handed to the broker once the transaction commits, with the job's id (``job=``). With
the broker down, the change commits all the same and the request answers as usual: the
job stays pending, and the sweeper (``sweep``, every 5 minutes by beat) queues it again
once it has waited ``SWEEP_AFTER``, as it does the status reports' files.

The task does its work through ``deliver``: it claims its job (pending → being sent) with
a conditional update before sending, and marks it done after. A job already claimed, done
or failed sends nothing, so a job queued twice (by the sweeper and by a retry, or
delivered again) goes out once. A job whose sending failed with an error that may pass
(the mail server out of reach, a recipient refused for now) is pending again, for the
task's own retries and then the sweeper, up to ``MAX_ATTEMPTS``; then, or after any other
error, it is failed. The mail server refusing every recipient for good (no such mailbox)
is a final answer, not a failure: the job is done, not sent, "refused", as sending again
would be refused again. A job whose worker died while sending stays "being sent": the
e-mail may have gone out, and is not sent again (as before the outbox). The admin shows
the jobs (Queued e-mails).

A job may run long after its event (the broker down, the task's retries, the sweeper):
its task looks at the record as it is then, and sends nothing when what the message
would say no longer holds (a record "submitted for review" already published, returned
or deleted), or when nobody is to be told. ``send`` then returns ``Skipped`` with the
reason, and the job is done, not sent, with that reason (``EmailJob.skip_reason``).
Nor is a job sent once the same event happened again while it waited (a record
submitted, returned and submitted again; published, withdrawn and published again): a
later job of the same task with the same arguments says it, and is the one sent; the
earlier one is done, not sent, as outdated (``superseded``).
"""

import datetime
import logging
import smtplib
from dataclasses import dataclass

from celery.exceptions import Retry
from celery.utils.serialization import UnpickleableExceptionWrapper
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from .choices import EmailJobState, EmailSkipReason
from .models import EmailJob

logger = logging.getLogger(__name__)

# A pending job is queued again once it has waited this long (the sweeper runs every 5 minutes).
SWEEP_PENDING_MINUTES = 10
SWEEP_AFTER = datetime.timedelta(minutes=SWEEP_PENDING_MINUTES)
# Tries of one job, the task's own retries and the sweeper's included: a few hours of a
# mail server out of reach. Then it is failed, for the secretariat to see.
MAX_ATTEMPTS = 30


@dataclass(frozen=True)
class Skipped:
    """What a job's ``send`` returns when it sends nothing on purpose, and why: the job is
    then done with that reason (``deliver``). False, as "nothing sent" was before."""

    reason: EmailSkipReason

    def __bool__(self):
        return False


class _Queue:
    """Hands jobs to the broker. With the broker down, the first failure stops the others
    of the batch from being tried, so that a request waits for one broker time-out, not
    one per e-mail: they all stay pending for the sweeper."""

    def __init__(self):
        self.job_ids = []
        self.broker_down = False

    def send(self, job_id: int, task, args) -> None:
        if self.broker_down:
            return
        try:
            task.apply_async(tuple(args), {"job": job_id})
        except BrokerError:
            self.broker_down = True
            left = self.job_ids[self.job_ids.index(job_id) :] if job_id in self.job_ids else [job_id]
            logger.exception("Could not queue the e-mail jobs %s; they stay pending for the sweeper", left)


class _SendOnCommit:
    """The callback that hands one job to the broker once its transaction commits."""

    def __init__(self, queue: _Queue, job_id: int, task, args):
        self.queue, self.job_id, self.task, self.args = queue, job_id, task, args
        queue.job_ids.append(job_id)

    def __call__(self):
        self.queue.send(self.job_id, self.task, self.args)


def _transaction_queue() -> _Queue:
    """The queue of the jobs the current transaction has queued so far, or a new one."""
    connection = transaction.get_connection()
    pending = connection.run_on_commit if connection.in_atomic_block else []
    for _savepoints, callback, _robust in pending:
        if isinstance(callback, _SendOnCommit):
            return callback.queue
    return _Queue()


def enqueue(task, *args) -> EmailJob:
    """Record the e-mail task ``task`` (a Celery task taking ``*args`` and ``job=``) in the
    current transaction, and hand it to the broker once that commits."""
    job = EmailJob.objects.create(task=task.name, args=list(args))
    transaction.on_commit(_SendOnCommit(_transaction_queue(), job.pk, task, list(args)))
    return job


def recipients_refused(error: BaseException) -> bool:
    """Whether ``error`` is the mail server refusing every recipient of a message for good
    (5xx: no such mailbox), which sending again would not change; a temporary refusal (4xx)
    is not."""
    return isinstance(error, smtplib.SMTPRecipientsRefused) and all(
        isinstance(code, int) and code >= 500 for code, _answer in error.recipients.values()
    )


def _error_text(error: BaseException) -> str:
    """What the job keeps of an error: its kind and the server's code, never its words,
    which may quote an address."""
    if isinstance(error, Retry) and isinstance(error.exc, BaseException):
        error = error.exc
    if isinstance(error, UnpickleableExceptionWrapper):  # how a retry keeps an error it cannot pickle
        return error.exc_cls_name
    code = getattr(error, "smtp_code", None)
    return type(error).__name__ + (f" {code}" if code else "")


def superseded(job_id: int) -> bool:
    """Whether a job of the same task with the same arguments (the same e-mail about the
    same record) was written after the job ``job_id``: its event happened again before this
    job was sent, and that later job is the one to send. Ids grow as jobs are written."""
    job = EmailJob.objects.filter(pk=job_id).values("task", "args").first()
    return job is not None and EmailJob.objects.filter(task=job["task"], args=job["args"], pk__gt=job_id).exists()


def _sent(send, job_id: int | None):
    """What ``send()`` returns, or ``Skipped`` (refused) when the mail server refused every
    recipient for good: a final answer, logged without the addresses."""
    try:
        return send()
    except Exception as error:
        if not recipients_refused(error):
            raise
    logger.warning(
        "E-mail job %s was not sent: the mail server refused every recipient",
        job_id,
        extra={"event": "email_refused", "job": job_id},
    )
    return Skipped(EmailSkipReason.REFUSED)


def deliver(job_id: int | None, send, *, may_pass: tuple[type[BaseException], ...] = (OSError,)):
    """Run ``send()`` (the task's work) for the job ``job_id``, once: claimed before, done
    after. Returns what ``send`` returns (False for ``Skipped``: the job is done with its
    reason), or None when the job was not pending (claimed, done or failed: nothing is
    sent). A job a later one of the same e-mail supersedes (``superseded``) is done without
    running ``send``, outdated; one whose every recipient the mail server refused for good
    is done, refused. ``may_pass``: the errors after which the job is pending again (the
    task retries it, else the sweeper will). A task queued without a job (before the
    outbox, or by hand) just runs ``send``."""
    if job_id is None:
        result = _sent(send, None)
        return False if isinstance(result, Skipped) else result
    claimed = EmailJob.objects.filter(pk=job_id, state=EmailJobState.PENDING).update(
        state=EmailJobState.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        logger.info("E-mail job %s is not pending (sent, being sent or failed): nothing sent", job_id)
        return None
    try:
        result = Skipped(EmailSkipReason.OUTDATED) if superseded(job_id) else _sent(send, job_id)
    except Exception as error:
        retried = isinstance(error, (Retry, *may_pass))
        again = EmailJob.objects.filter(pk=job_id, attempts__lt=MAX_ATTEMPTS) if retried else EmailJob.objects.none()
        if not again.update(state=EmailJobState.PENDING, queued_at=timezone.now(), error=_error_text(error)):
            EmailJob.objects.filter(pk=job_id).update(state=EmailJobState.FAILED, error=_error_text(error))
        raise
    skipped = result.reason if isinstance(result, Skipped) else ""
    EmailJob.objects.filter(pk=job_id).update(
        state=EmailJobState.DONE, done_at=timezone.now(), error="", skip_reason=skipped
    )
    if skipped:
        logger.info("E-mail job %s is done without sending: %s", job_id, skipped)
        return False
    return result


def sweep(*, pending_for: datetime.timedelta = SWEEP_AFTER) -> int:
    """Queue again the jobs pending for longer than ``pending_for`` (the broker was down
    when they were queued, or no worker took them). Returns how many were queued."""
    from .celery import app

    now = timezone.now()
    jobs = list(
        EmailJob.objects.filter(state=EmailJobState.PENDING, queued_at__lte=now - pending_for)
        .order_by("pk")
        .values_list("pk", "task", "args")
    )
    if not jobs:
        return 0
    # Touched so that the next sweep waits ``pending_for`` again before queuing them twice.
    EmailJob.objects.filter(pk__in=[pk for pk, _task, _args in jobs], state=EmailJobState.PENDING).update(queued_at=now)
    app.loader.import_default_modules()
    queue = _Queue()
    queue.job_ids = [pk for pk, _task, _args in jobs]
    for pk, name, args in jobs:
        task = app.tasks.get(name)
        if task is None:  # a task a release has removed: nobody can send it
            EmailJob.objects.filter(pk=pk).update(state=EmailJobState.FAILED, error=f"Unknown task {name}")
            continue
        queue.send(pk, task, args)
    return len(jobs)
