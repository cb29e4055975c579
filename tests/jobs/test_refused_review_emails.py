"""A review e-mail (submitted for review, returned, published) whose every recipient the
mail server refuses for good (550: no such mailbox) ends as a story's e-mail to a refused
sender does: its job done, not sent, "refused" (``EmailJob.skip_reason``), tried once, not
failed and not retried: sending again would be refused again. The log names the job, never
the address. A temporary refusal (4xx) is tried again, for a review e-mail and a story's
alike. "Queued e-mails" lists such a job under "not sent because", not under "Failed".
Against a mail server of the tests' own (tests/fakes/smtp_server.py)."""

import html
import logging
import smtplib

import pytest
from celery.exceptions import Retry
from django.core.mail import EmailMessage
from django.urls import reverse

from cogwg import outbox
from cogwg.choices import EmailJobState, EmailSkipReason, PublicationState
from cogwg.models import EmailJob
from cogwg.notification_tasks import send_review_email
from cogwg.services import record_publish, record_return, record_submit
from stories import notifications as story_notifications
from stories.choices import StoryState
from stories.tasks import send_submitter_email
from tests.factories import AccomplishmentFactory, StaffFactory, UserFactory, UserStoryFactory

pytestmark = pytest.mark.django_db

DESK, OTHER_DESK = "desk@example.org", "desk-2@example.org"
CONTRIBUTOR = "contributor@example.org"
REVIEW_TASK = "cogwg.notification_tasks.send_review_email"
REFUSED = (False, (EmailJobState.DONE, EmailSkipReason.REFUSED, 1, True, ""))


@pytest.fixture(autouse=True)
def desk(settings):
    settings.COGWG_SECRETARIAT_EMAILS = [DESK]


@pytest.fixture
def people():
    return UserFactory(email=CONTRIBUTOR), StaffFactory()


def job_of(event):
    return EmailJob.objects.filter(task=REVIEW_TASK, args__0=event).latest("pk")


def run(job, task=send_review_email):
    """The task, as the worker runs it; what it returned, and its job as it ends."""
    result = task.apply(args=job.args, kwargs={"job": job.pk}).get()
    job.refresh_from_db()
    return result, (job.state, job.skip_reason, job.attempts, job.done_at is not None, job.error)


def submitted(people):
    contributor, _secretariat = people
    return record_submit(record=AccomplishmentFactory(publication_state=PublicationState.DRAFT), by=contributor)


def returned(people):
    record = submitted(people)
    return record_return(record=record, comment="Add the link, please.", by=people[1])


def published(people):
    record = submitted(people)
    return record_publish(record=record, by=people[1])


@pytest.mark.parametrize(
    ("event", "make", "refused"),
    [("submitted", submitted, DESK), ("returned", returned, CONTRIBUTOR), ("published", published, CONTRIBUTOR)],
)
def test_a_review_e_mail_to_a_refused_address_ends_its_job_done_refused_tried_once(
    smtp, people, caplog, event, make, refused
):
    caplog.set_level(logging.INFO)
    smtp.refuse.add(refused)
    make(people)
    job = job_of(event)

    assert run(job) == REFUSED
    assert smtp.recipients_asked == [refused]  # once: no retry
    assert smtp.messages == []
    (record,) = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert record.name == "cogwg.outbox"
    assert record.getMessage() == f"E-mail job {job.pk} was not sent: the mail server refused every recipient"
    assert refused not in caplog.text


def test_a_review_e_mail_refused_to_one_of_its_recipients_reaches_the_others(smtp, people, settings):
    settings.COGWG_SECRETARIAT_EMAILS = [DESK, OTHER_DESK]
    smtp.refuse.add(DESK)
    submitted(people)

    assert run(job_of("submitted")) == (True, (EmailJobState.DONE, "", 1, True, ""))
    assert [message.recipients for message in smtp.messages] == [(OTHER_DESK,)]


def test_a_review_e_mail_queued_without_a_job_is_not_retried_when_refused(smtp, people):
    smtp.refuse.add(DESK)
    record = submitted(people)

    assert send_review_email.apply(args=["submitted", record._meta.label_lower, record.pk]).get() is False
    assert smtp.recipients_asked == [DESK]


def refused_for_now(monkeypatch, address):
    """The mail server refuses ``address`` for now (450: mailbox busy), whatever sends."""

    def send(message, fail_silently=False):
        raise smtplib.SMTPRecipientsRefused({address: (450, b"4.2.1 mailbox busy")})

    monkeypatch.setattr(EmailMessage, "send", send)


def test_a_review_e_mail_refused_for_now_is_pending_again_for_its_retries(people, monkeypatch):
    refused_for_now(monkeypatch, DESK)
    submitted(people)
    job = job_of("submitted")

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        outbox.deliver(job.pk, lambda: send_review_email.run(*job.args))

    job.refresh_from_db()
    assert (job.state, job.skip_reason, job.attempts, job.error) == (
        EmailJobState.PENDING,
        "",
        1,
        "SMTPRecipientsRefused",
    )


def test_a_story_s_e_mail_refused_for_now_is_tried_again_not_ended_refused(monkeypatch):
    story = UserStoryFactory(
        state=StoryState.SUBMITTED, published_on=None, submitter_email="sender@example.org", submitter_language="en"
    )
    refused_for_now(monkeypatch, "sender@example.org")
    story_notifications.enqueue(kind=story_notifications.RECEIVED, story=story)
    job = EmailJob.objects.get(task="stories.tasks.send_submitter_email")

    with pytest.raises(Retry):
        send_submitter_email.apply(args=job.args, kwargs={"job": job.pk})

    job.refresh_from_db()
    assert (job.state, job.skip_reason, job.attempts, job.error) == (
        EmailJobState.PENDING,
        "",
        1,
        "SubmitterEmailFailed",
    )


# What the secretariat reads in the admin


def test_queued_e_mails_list_a_refused_review_e_mail_as_not_sent_refused_not_as_failed(smtp, people, client):
    smtp.refuse.add(CONTRIBUTOR)
    returned(people)
    job = job_of("returned")
    run(job)
    client.force_login(people[1])
    address = reverse("admin:cogwg_emailjob_changelist")

    failed = client.get(address, {"state__exact": EmailJobState.FAILED})
    refused = client.get(address, {"skip_reason__exact": EmailSkipReason.REFUSED})

    assert failed.status_code == refused.status_code == 200
    assert list(failed.context["cl"].result_list) == []
    assert list(refused.context["cl"].result_list) == [job]
    assert "The mail server refused the address" in html.unescape(refused.content.decode())
