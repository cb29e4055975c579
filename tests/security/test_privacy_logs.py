"""No personal information in the logs: what was typed as the username of a failed login
or a lockout is logged as a keyed digest (cogwg/security.py); an e-mail to a story's
submitter that fails is logged with the story's number, never the address, and a refused
address is not tried again (stories/tasks.py). And the government's mail carries no
stranger's text: the receipt (and the refusal) quote the story's reference, not the
title its unverified sender chose (stories/notifications.py)."""

import json
import logging
import traceback

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from cogwg.logging import JsonFormatter
from cogwg.security import username_digest
from stories import notifications
from stories.choices import Impact, StoryState, UserType
from stories.models import UserStory
from stories.tasks import SUBMITTER_EMAIL_RETRIES, SubmitterEmailFailed, send_submitter_email
from tests.factories import UserStoryFactory
from tests.fakes.smtp_server import FakeSmtp
from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TYPED = "camille.tremblay@example.org"
ADDRESS = "camille@example.org"
TITLE = "Call 1-800-555-0199 now: your benefits are suspended"


@pytest.fixture
def every_log(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def security_records(caplog):
    return [record for record in caplog.records if record.name == "cogwg.security"]


def written(record):
    """The record as production writes it (one JSON object a line), and its message."""
    return JsonFormatter().format(record) + record.getMessage()


def admin_login(client, username, password):
    return client.post(reverse("admin:login"), {"username": username, "password": password, "next": "/en/"})


# Failed logins and lockouts


def test_a_failed_login_logs_a_digest_of_what_was_typed_never_the_text(client, staff, every_log):
    admin_login(client, TYPED, "wrong password")

    (record,) = security_records(every_log)
    digest = username_digest(TYPED)
    assert record.getMessage() == f"login failed: {digest} from 127.0.0.1"
    assert (record.event, record.username_digest, record.ip_address) == ("login_failed", digest, "127.0.0.1")
    assert not hasattr(record, "username")
    assert TYPED not in every_log.text
    assert TYPED not in written(record)
    assert json.loads(JsonFormatter().format(record))["username_digest"] == digest


def test_the_digest_is_the_same_for_each_attempt_on_a_username_and_differs_between_usernames(client, staff, every_log):
    admin_login(client, TYPED, "wrong")
    admin_login(client, TYPED, "wrong again")
    admin_login(client, "someone-else", "wrong")

    digests = [record.username_digest for record in security_records(every_log)]
    assert digests[0] == digests[1] != digests[2]
    assert digests[0].startswith("user:") and len(digests[0]) == len("user:") + 12


@override_settings(SECRET_KEY="another-secret-key-for-the-digest")
def test_the_digest_is_keyed_by_the_secret_key():
    with override_settings(SECRET_KEY="one-secret-key-for-the-digest"):
        first = username_digest(TYPED)

    assert username_digest(TYPED) != first
    assert username_digest("") == "-"


def test_a_lockout_logs_the_digest_too(client, staff, every_log):
    for _attempt in range(5):
        admin_login(client, TYPED, "wrong password")

    lockouts = [record for record in security_records(every_log) if record.event == "locked_out"]
    assert [record.getMessage() for record in lockouts] == [f"locked out: {username_digest(TYPED)} from 127.0.0.1"]
    assert TYPED not in every_log.text
    assert TYPED not in written(lockouts[0])


def test_a_login_still_names_the_account_that_signed_in(client, staff, every_log):
    admin_login(client, "secretariat", PASSWORD)

    (record,) = security_records(every_log)
    assert record.getMessage() == "login: secretariat from 127.0.0.1"


# E-mails to a story's submitter


@pytest.fixture
def smtp(settings):
    with FakeSmtp() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield server


def submission(**changes):
    values = {
        "title_en": TITLE,
        "state": StoryState.SUBMITTED,
        "published_on": None,
        "submitter_name": "Camille Tremblay",
        "submitter_email": ADDRESS,
        "submitter_language": "en",
    }
    return UserStoryFactory(**values | changes)


def test_a_refused_address_is_not_tried_again_and_the_log_names_the_story_only(smtp, every_log):
    story = submission()
    smtp.refuse.add(ADDRESS)

    sent = send_submitter_email.delay(notifications.RECEIVED, story.pk).get()

    assert sent is False
    assert smtp.recipients_asked == [ADDRESS]  # once: no retry
    assert smtp.messages == []
    (record,) = [record for record in every_log.records if record.name == "stories.tasks"]
    assert record.levelname == "WARNING"
    assert record.getMessage() == (
        f"The received e-mail to the submitter of story {story.pk} was not sent: the mail server refused the address"
    )
    assert (record.event, record.story) == ("submitter_email_refused", story.pk)
    assert ADDRESS not in every_log.text


def test_a_failing_mail_server_is_tried_again_and_the_failure_names_the_story_not_the_address(smtp, every_log):
    story = submission()
    smtp.fail_data = 451
    expected = f"The received e-mail to the submitter of story {story.pk} was not sent: SMTPDataError 451"

    # As a worker runs it: the first try and 5 retries, each a new run of the task.
    retries = []
    for attempt in range(SUBMITTER_EMAIL_RETRIES):
        with pytest.raises(Retry) as retry:
            send_submitter_email.apply((notifications.RECEIVED, story.pk), retries=attempt)
        retries.append(retry.value)
    with pytest.raises(SubmitterEmailFailed) as failure:
        send_submitter_email.apply((notifications.RECEIVED, story.pk), retries=SUBMITTER_EMAIL_RETRIES)

    assert smtp.recipients_asked == [ADDRESS] * (SUBMITTER_EMAIL_RETRIES + 1)
    assert all(str(retry).endswith(f"SubmitterEmailFailed('{expected}')") for retry in retries)
    assert all(0 <= retry.when <= 600 for retry in retries)
    assert str(failure.value) == expected
    # What Celery logs: the retries' messages and the last failure's traceback.
    told = "".join(str(retry) for retry in retries) + "".join(traceback.format_exception(failure.value))
    assert ADDRESS not in told
    assert "SMTPDataError(451" not in told  # the server's answer, which quotes the address, is not chained
    assert ADDRESS not in every_log.text


def test_once_the_mail_server_recovers_the_e_mail_is_sent(smtp):
    story = submission()

    assert send_submitter_email.delay(notifications.RECEIVED, story.pk).get() is True
    (message,) = smtp.messages
    assert message.recipients == (ADDRESS,)


def test_a_story_gone_or_without_a_sender_sends_nothing(smtp):
    filed = UserStoryFactory(state=StoryState.SUBMITTED, published_on=None)

    assert send_submitter_email.delay(notifications.RECEIVED, filed.pk + 1000).get() is False
    assert send_submitter_email.delay(notifications.RECEIVED, filed.pk).get() is False
    assert smtp.recipients_asked == []


# What the e-mails quote


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_receipt_quotes_the_reference_and_not_the_title_the_sender_chose(language):
    story = submission(submitter_language=language, **{f"title_{language}": TITLE})

    message = notifications.submitter_message(kind=notifications.RECEIVED, story=story)

    assert TITLE not in message.subject + message.body
    assert f"#{story.pk}" in message.body
    assert message.to == [ADDRESS]
    if language == "fr":
        assert message.body.startswith("Merci de nous avoir envoyé votre récit d'utilisateur.\n\n")
    else:
        assert message.body.startswith("Thank you for sending us your user story.\n\nIts reference is #")


def test_the_refusal_quotes_the_reference_and_not_the_title():
    story = submission(state=StoryState.REJECTED, rejection_reason="Not about open data.")

    message = notifications.submitter_message(kind=notifications.REJECTED, story=story)

    assert TITLE not in message.subject + message.body
    assert f"Thank you for your user story (reference #{story.pk})." in message.body


def test_the_publication_quotes_the_title_the_secretariat_reviewed_and_published():
    story = submission(state=StoryState.PUBLISHED, published_on="2026-11-27", title_en="Closer clinics")

    message = notifications.submitter_message(kind=notifications.PUBLISHED, story=story)

    assert f'Your user story "Closer clinics" (reference #{story.pk}) is now published:' in message.body


def test_the_form_sends_a_receipt_without_the_title(client, django_capture_on_commit_callbacks):
    form = {
        "title": TITLE,
        "summary": "A map of clinics.",
        "story": "",
        "user_type": UserType.RESEARCHER,
        "impact": Impact.SOCIAL,
        "datasets": "",
        "submitter_name": "",
        "submitter_email": ADDRESS,
        "consent": "on",
        "website": "",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("stories:submit"), form)

    assert response.status_code == 302
    story = UserStory.objects.get()
    (receipt,) = [message for message in mail.outbox if message.to == [ADDRESS]]
    assert TITLE not in receipt.subject + receipt.body
    assert f"Its reference is #{story.pk}" in receipt.body
