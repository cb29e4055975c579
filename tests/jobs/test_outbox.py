"""The e-mail jobs' outbox (cogwg/outbox.py): a row per e-mail task, written in the
transaction of the change that causes it. With the broker down (pointed at a closed
port), the change is kept, the request answers as usual and the job waits, pending; once
the broker is back the sweeper queues it and the e-mail is sent once. A job already done
(a task delivered again, queued twice) sends nothing."""

import datetime
import logging
import smtplib

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from cogwg import cycles, outbox
from cogwg.choices import EmailJobState, EmailSkipReason, PublicationState
from cogwg.models import EmailJob, PeriodSummary
from cogwg.notification_tasks import send_review_email, sweep_pending_emails
from cogwg.settings import base
from jurisdictions.models import Accomplishment
from stories.models import UserStory
from stories.tasks import send_submitter_email
from tests.cycles.conftest import AFTER_DEADLINE, submitted_row
from tests.factories import AccomplishmentFactory, JurisdictionFactory, StaffFactory, ThemeFactory
from tests.ops.conftest import closed_port
from tests.ops.faults import use_broker
from tests.stories.test_submission_mail import valid_story

DESK = "desk@example.org"
REVIEW_TASK = "cogwg.notification_tasks.send_review_email"


@pytest.fixture
def broker_down():
    """The broker at a port nothing listens on: every task sent is refused at once."""
    use_broker(f"redis://127.0.0.1:{closed_port()}/0", eager=False)
    yield
    use_broker("", eager=True)


def broker_back():
    use_broker("", eager=True)


@pytest.fixture
def desk(settings):
    settings.COGWG_SECRETARIAT_EMAILS = [DESK]


def jobs():
    return list(EmailJob.objects.order_by("pk").values_list("task", "state", "attempts"))


def sent_to():
    return sorted(tuple(message.to) for message in mail.outbox)


def counted(monkeypatch, *tasks):
    """Count the attempts to hand each of ``tasks`` to the broker."""
    attempts = []
    for task in tasks:
        real = task.apply_async
        monkeypatch.setattr(
            task, "apply_async", lambda *args, real=real, **kwargs: attempts.append(args) or real(*args, **kwargs)
        )
    return attempts


# The broker down


@pytest.mark.django_db(transaction=True)
def test_a_record_submitted_with_the_broker_down_is_kept_and_its_e_mail_sent_once_the_broker_is_back(
    broker_down, desk, caplog
):
    record = AccomplishmentFactory(publication_state=PublicationState.DRAFT)
    client = APIClient()
    client.force_authenticate(StaffFactory())

    # When it is submitted through the API with the broker unreachable,
    with caplog.at_level(logging.ERROR, logger="cogwg.outbox"):
        response = client.post(f"/api/v1/accomplishments/{record.pk}/submit/")

    # then the client is told it is submitted, as it is, and the e-mail waits as a pending job;
    assert response.status_code == 200, response.content
    assert response.json()["publication_state"] == PublicationState.SUBMITTED
    assert Accomplishment.objects.get(pk=record.pk).publication_state == PublicationState.SUBMITTED
    (job,) = EmailJob.objects.all()
    assert (job.task, job.args, job.state, job.attempts) == (
        REVIEW_TASK,
        ["submitted", "jurisdictions.accomplishment", record.pk],
        EmailJobState.PENDING,
        0,
    )
    assert mail.outbox == []
    (failure,) = [r for r in caplog.records if r.getMessage().startswith("Could not queue the e-mail jobs")]
    assert str(job.pk) in failure.getMessage()

    # Once the broker is back, the sweeper (as beat sends it) queues the job: the e-mail
    # is sent, once, and the job is done.
    broker_back()
    assert sweep_pending_emails.apply(kwargs={"pending_minutes": 0}).get() == 1

    assert sent_to() == [(DESK,)]
    assert "submitted for review" in mail.outbox[0].subject
    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == (EmailJobState.DONE, 1, "")
    assert job.done_at is not None
    # Swept again, or delivered again, it sends nothing.
    assert sweep_pending_emails.apply(kwargs={"pending_minutes": 0}).get() == 0
    assert send_review_email.apply(args=job.args, kwargs={"job": job.pk}).get() is None
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_story_sent_through_the_public_form_with_the_broker_down_is_kept_and_both_e_mails_sent_later(
    broker_down, desk, client, monkeypatch
):
    JurisdictionFactory(code="QC", name_en="Quebec", name_fr="Québec")
    ThemeFactory(slug="health", name_en="Health", name_fr="Santé")
    cache.clear()  # the form's rate limit
    attempts = counted(monkeypatch, send_review_email, send_submitter_email)

    response = client.post("/fr/recits-utilisateurs/soumettre/", valid_story())

    # The sender is thanked as usual, the story is kept, and its two e-mails wait; the
    # broker was tried once, not once per e-mail.
    assert response.status_code == 302
    story = UserStory.objects.get()
    assert jobs() == [
        (REVIEW_TASK, EmailJobState.PENDING, 0),
        ("stories.tasks.send_submitter_email", EmailJobState.PENDING, 0),
    ]
    assert len(attempts) == 1
    assert mail.outbox == []

    broker_back()
    monkeypatch.undo()
    assert outbox.sweep(pending_for=datetime.timedelta(0)) == 2

    assert sent_to() == [("camille@example.org",), (DESK,)]
    receipt = next(message for message in mail.outbox if message.to == ["camille@example.org"])
    assert f"#{story.pk}" in receipt.body
    assert set(EmailJob.objects.values_list("state", flat=True)) == {EmailJobState.DONE}


@pytest.mark.django_db(transaction=True)
def test_a_period_closed_with_the_broker_down_sends_its_summaries_once_the_broker_is_back(cycle, broker_down):
    cycles.period_submit_updates(
        period=cycle.period, jurisdiction=cycle.bc, rows=[submitted_row(cycle.june)], by=cycle.secretariat
    )
    cycle.secretariat.email = "secretariat@example.org"
    cycle.secretariat.save()

    published = cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)

    assert len(published) == 1
    assert jobs() == [("cogwg.cycle_tasks.send_period_closed_summaries", EmailJobState.PENDING, 0)]
    assert mail.outbox == []

    broker_back()
    assert outbox.sweep(pending_for=datetime.timedelta(0)) == 1
    assert outbox.sweep(pending_for=datetime.timedelta(0)) == 0

    assert sent_to() == [("secretariat@example.org",)]
    assert list(PeriodSummary.objects.values_list("address", "refused")) == [("secretariat@example.org", False)]
    assert jobs() == [("cogwg.cycle_tasks.send_period_closed_summaries", EmailJobState.DONE, 1)]


# Written with the change, queued once it commits


@pytest.mark.django_db
def test_a_job_is_written_with_its_change_and_gone_with_it(desk, django_capture_on_commit_callbacks):
    record = AccomplishmentFactory(publication_state=PublicationState.DRAFT)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(send_review_email, "submitted", record._meta.label_lower, record.pk)
        assert EmailJob.objects.count() == 1
        raise RuntimeError("the change fails")

    assert EmailJob.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_job_is_queued_once_its_transaction_commits_and_done_by_its_task(desk, django_capture_on_commit_callbacks):
    # Submitted, as the e-mail says (one about a record that is not is done without sending).
    record = AccomplishmentFactory(publication_state=PublicationState.SUBMITTED)

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        job = outbox.enqueue(send_review_email, "submitted", record._meta.label_lower, record.pk)
    assert mail.outbox == []
    for callback in callbacks:
        callback()

    job.refresh_from_db()
    assert (job.state, job.attempts) == (EmailJobState.DONE, 1)
    assert sent_to() == [(DESK,)]


# Idempotent: claimed before sending


def review_job(record, **fields):
    return EmailJob.objects.create(task=REVIEW_TASK, args=["submitted", record._meta.label_lower, record.pk], **fields)


@pytest.mark.django_db
@pytest.mark.parametrize("state", [EmailJobState.SENDING, EmailJobState.DONE, EmailJobState.FAILED])
def test_a_job_that_is_not_pending_sends_nothing(desk, state):
    record = AccomplishmentFactory(publication_state=PublicationState.SUBMITTED)
    job = review_job(record, state=state, attempts=1, done_at=timezone.now() if state == EmailJobState.DONE else None)

    assert send_review_email.apply(args=job.args, kwargs={"job": job.pk}).get() is None

    assert mail.outbox == []
    job.refresh_from_db()
    assert (job.state, job.attempts) == (state, 1)


@pytest.mark.django_db
def test_a_task_queued_before_the_outbox_still_sends(desk):
    record = AccomplishmentFactory(publication_state=PublicationState.SUBMITTED)

    assert send_review_email.apply(args=["submitted", record._meta.label_lower, record.pk]).get() is True

    assert sent_to() == [(DESK,)]


def failing(error):
    """A task's work that fails with ``error``, as sending does when the server does."""

    def send():
        raise error

    return send


@pytest.mark.django_db
def test_a_job_whose_mail_server_is_out_of_reach_is_pending_again_then_failed_after_its_last_attempt(desk):
    record = AccomplishmentFactory(publication_state=PublicationState.SUBMITTED)
    job = review_job(record, queued_at=timezone.now() - datetime.timedelta(hours=1))
    out_of_reach = failing(ConnectionRefusedError(111, "refused"))

    with pytest.raises(ConnectionRefusedError):
        outbox.deliver(job.pk, out_of_reach)

    # Pending again, for the task's retries and then the sweeper, which waits from now.
    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == (EmailJobState.PENDING, 1, "ConnectionRefusedError")
    assert timezone.now() - job.queued_at < datetime.timedelta(minutes=1)

    EmailJob.objects.filter(pk=job.pk).update(attempts=outbox.MAX_ATTEMPTS - 1)
    with pytest.raises(ConnectionRefusedError):
        outbox.deliver(job.pk, out_of_reach)

    job.refresh_from_db()
    assert (job.state, job.attempts) == (EmailJobState.FAILED, outbox.MAX_ATTEMPTS)
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_job_that_failed_with_an_error_that_would_come_back_is_failed_at_once(desk):
    record = AccomplishmentFactory(publication_state=PublicationState.SUBMITTED)
    job = review_job(record)

    with pytest.raises(ValueError):
        outbox.deliver(job.pk, failing(ValueError("a bug")))

    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == (EmailJobState.FAILED, 1, "ValueError")


REFUSED_FOR_GOOD = {"desk@example.org": (550, b"5.1.1 <desk@example.org> unknown")}
REFUSED_FOR_NOW = {"desk@example.org": (450, b"4.2.1 <desk@example.org> busy")}


@pytest.mark.django_db
def test_a_job_whose_every_recipient_is_refused_for_good_is_done_refused_not_failed(desk):
    # A final answer: sending again would be refused again, and nothing is wrong to alarm on.
    record = AccomplishmentFactory(publication_state=PublicationState.SUBMITTED)
    job = review_job(record)

    assert outbox.deliver(job.pk, failing(smtplib.SMTPRecipientsRefused(REFUSED_FOR_GOOD))) is False

    job.refresh_from_db()
    assert (job.state, job.skip_reason, job.attempts, job.error) == (
        EmailJobState.DONE,
        EmailSkipReason.REFUSED,
        1,
        "",
    )


@pytest.mark.django_db
def test_a_job_whose_recipient_is_refused_for_now_is_pending_again_its_error_without_the_address(desk):
    record = AccomplishmentFactory(publication_state=PublicationState.SUBMITTED)
    job = review_job(record)

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        outbox.deliver(job.pk, failing(smtplib.SMTPRecipientsRefused(REFUSED_FOR_NOW)))

    job.refresh_from_db()
    # Its kind and code only: the server's answer may quote an address.
    assert (job.state, job.skip_reason, job.attempts, job.error) == (
        EmailJobState.PENDING,
        "",
        1,
        "SMTPRecipientsRefused",
    )


# The sweeper


@pytest.mark.django_db
def test_the_sweeper_queues_the_jobs_pending_long_enough_once_per_wait(desk, monkeypatch):
    record = AccomplishmentFactory(publication_state=PublicationState.SUBMITTED)
    now = timezone.now()
    old = review_job(record, queued_at=now - datetime.timedelta(minutes=11))
    recent = review_job(record, queued_at=now - datetime.timedelta(minutes=2))
    gone = EmailJob.objects.create(task="cogwg.tasks.removed_in_a_release", queued_at=now - datetime.timedelta(hours=1))
    done = review_job(record, state=EmailJobState.DONE, done_at=now, queued_at=now - datetime.timedelta(hours=1))
    queued = []
    monkeypatch.setattr(send_review_email, "apply_async", lambda args, kwargs: queued.append((args, kwargs)))

    assert sweep_pending_emails.apply().get() == 2

    assert queued == [(tuple(old.args), {"job": old.pk})]
    gone.refresh_from_db()
    assert (gone.state, gone.error) == (EmailJobState.FAILED, "Unknown task cogwg.tasks.removed_in_a_release")
    # A sweep five minutes later finds the queued job waiting again since the sweep.
    assert sweep_pending_emails.apply().get() == 0
    assert {job.pk: job.state for job in EmailJob.objects.filter(pk__in=[recent.pk, done.pk])} == {
        recent.pk: EmailJobState.PENDING,
        done.pk: EmailJobState.DONE,
    }


def test_beat_runs_the_sweeper_every_five_minutes():
    from cogwg.celery import app

    app.loader.import_default_modules()
    entry = base.CELERY_BEAT_SCHEDULE["sweep-pending-emails"]

    assert entry == {"task": "cogwg.notification_tasks.sweep_pending_emails", "schedule": 5 * 60}
    assert entry["task"] in app.tasks
