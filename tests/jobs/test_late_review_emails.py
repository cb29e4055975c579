"""A review e-mail sent late (the broker down, the task's retries, the sweeper every 5
minutes) says only what still holds when it leaves: its job, written with the event, is
run after the record has moved on, and it is then done without sending, saying why
(``EmailJob.skip_reason``), rather than asking the secretariat to review a record already
published or telling a contributor to change one published since. A record deleted in
between is no error. The same for a story's e-mails to whoever sent it."""

import html

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from cogwg.choices import EmailJobState, EmailSkipReason, PublicationState
from cogwg.models import EmailJob
from cogwg.notification_tasks import send_review_email
from cogwg.services import record_publish, record_return, record_submit, records_unpublish
from stories import notifications as story_notifications
from stories.choices import StoryState
from stories.models import UserStory
from stories.services import stories_erase_submitters, stories_moderate, story_announce_submitted
from stories.tasks import send_submitter_email
from tests.factories import (
    AccomplishmentFactory,
    ChallengeFactory,
    ProgressUpdateFactory,
    StaffFactory,
    UserFactory,
    UserStoryFactory,
)
from workplan.services import progress_updates_unpublish

pytestmark = pytest.mark.django_db

DESK = "desk@example.org"
OUTDATED, GONE, NOBODY, REFUSED = (
    EmailSkipReason.OUTDATED,
    EmailSkipReason.GONE,
    EmailSkipReason.NO_RECIPIENT,
    EmailSkipReason.REFUSED,
)


@pytest.fixture(autouse=True)
def desk(settings):
    settings.COGWG_SECRETARIAT_EMAILS = [DESK]


@pytest.fixture
def people():
    """A contributor (not of the secretariat: the e-mails reach them) and the secretariat."""
    return UserFactory(email="contributor@example.org"), StaffFactory()


RECORDS = {
    "accomplishment": lambda: AccomplishmentFactory(publication_state=PublicationState.DRAFT),
    "challenge": lambda: ChallengeFactory(publication_state=PublicationState.DRAFT),
    "progress update": lambda: ProgressUpdateFactory(publication_state=PublicationState.DRAFT),
}


def new_job(event):
    """The job the service just wrote for ``event``: its task is not run (the broker is
    late), as the test's transaction never commits."""
    job = EmailJob.objects.filter(task="cogwg.notification_tasks.send_review_email", args__0=event).latest("pk")
    assert job.state == EmailJobState.PENDING
    return job


def run(job, task=send_review_email):
    """The task, as the worker runs it at last; what it returned, and its job as it ends."""
    result = task.apply(args=job.args, kwargs={"job": job.pk}).get()
    job.refresh_from_db()
    return result, (job.state, job.skip_reason, job.attempts, job.done_at is not None)


def withdraw(record, by):
    if record._meta.model_name == "progressupdate":
        progress_updates_unpublish(queryset=type(record).objects.filter(pk=record.pk), by=by)
    else:
        records_unpublish(queryset=type(record).objects.filter(pk=record.pk), by=by)


def published_since(record, secretariat):
    record_publish(record=record, by=secretariat)


def returned_since(record, secretariat):
    record_return(record=record, comment="Add the link, please.", by=secretariat)


def deleted_since(record, secretariat):
    type(record).objects.filter(pk=record.pk).delete()


@pytest.mark.parametrize("kind", RECORDS)
@pytest.mark.parametrize(
    ("since", "reason"),
    [(published_since, OUTDATED), (returned_since, OUTDATED), (deleted_since, GONE)],
    ids=["published since", "returned since", "deleted since"],
)
def test_submitted_for_review_is_not_sent_once_the_record_is_published_returned_or_deleted(people, kind, since, reason):
    contributor, secretariat = people
    record = record_submit(record=RECORDS[kind](), by=contributor)
    job = new_job("submitted")

    since(record, secretariat)

    assert run(job) == (False, (EmailJobState.DONE, reason, 1, True))
    assert mail.outbox == []


@pytest.mark.parametrize("kind", RECORDS)
def test_submitted_for_review_is_sent_while_the_record_still_waits_for_review(people, kind):
    contributor, _secretariat = people
    record = record_submit(record=RECORDS[kind](), by=contributor)
    job = new_job("submitted")

    assert run(job) == (True, (EmailJobState.DONE, "", 1, True))
    (message,) = mail.outbox
    assert message.to == [DESK]
    assert "submitted for review" in message.subject
    assert str(record.pk) in message.body


@pytest.mark.parametrize("kind", RECORDS)
def test_returned_is_not_sent_once_the_record_was_submitted_again_or_published(people, kind):
    contributor, secretariat = people
    record = record_submit(record=RECORDS[kind](), by=contributor)
    record_return(record=record, comment="Add the link, please.", by=secretariat)
    returned = new_job("returned")

    # Submitted again (the contributor saw it returned, in the admin), then published:
    record_submit(record=record, by=contributor)
    assert run(returned) == (False, (EmailJobState.DONE, OUTDATED, 1, True))
    record_publish(record=record, by=secretariat)
    published = new_job("published")

    assert mail.outbox == []
    # what is true now is still said.
    assert run(published) == (True, (EmailJobState.DONE, "", 1, True))
    assert [message.to for message in mail.outbox] == [["contributor@example.org"]]
    assert "published" in mail.outbox[0].subject


def test_returned_is_sent_while_the_record_waits_for_its_changes(people):
    contributor, secretariat = people
    record = record_submit(record=RECORDS["accomplishment"](), by=contributor)
    record_return(record=record, comment="Add the link, please.", by=secretariat)

    assert run(new_job("returned")) == (True, (EmailJobState.DONE, "", 1, True))
    (message,) = mail.outbox
    assert message.to == ["contributor@example.org"]
    assert "Add the link, please." in message.body


@pytest.mark.parametrize("kind", RECORDS)
def test_published_is_not_sent_once_the_record_was_withdrawn(people, kind):
    # The public page it would link to no longer shows it.
    contributor, secretariat = people
    record = record_submit(record=RECORDS[kind](), by=contributor)
    record_publish(record=record, by=secretariat)
    job = new_job("published")

    withdraw(record, secretariat)

    assert run(job) == (False, (EmailJobState.DONE, OUTDATED, 1, True))
    assert mail.outbox == []


def test_nobody_to_tell_is_said_too(people):
    contributor, secretariat = people
    record = record_submit(record=RECORDS["accomplishment"](), by=contributor)
    record_return(record=record, comment="Add the link, please.", by=secretariat)
    job = new_job("returned")
    type(contributor).objects.filter(pk=contributor.pk).update(is_active=False)

    assert run(job) == (False, (EmailJobState.DONE, NOBODY, 1, True))
    assert mail.outbox == []


# A user story: the secretariat told of it, its sender of the decision


def sent_story(state=StoryState.SUBMITTED):
    """A story sent through the public form (its sender's address), as stored."""
    return UserStoryFactory(
        state=state, published_on=None, submitter_email="sender@example.org", submitter_language="en"
    )


def announced(story):
    story_announce_submitted(story=story)
    return new_job("submitted")


@pytest.mark.parametrize(
    ("state", "reason"),
    [(StoryState.PUBLISHED, OUTDATED), (StoryState.REJECTED, OUTDATED), (None, GONE)],
    ids=["published since", "rejected since", "deleted since"],
)
def test_a_story_submitted_is_not_sent_for_review_once_it_is_decided_or_deleted(people, state, reason):
    _contributor, secretariat = people
    story = sent_story()
    job = announced(story)

    if state is None:
        story.delete()
    else:
        moderation = stories_moderate(
            queryset=UserStory.objects.filter(pk=story.pk), state=state, rejection_reason="Off topic.", by=secretariat
        )
        assert moderation.changed == 1

    assert run(job) == (False, (EmailJobState.DONE, reason, 1, True))
    assert [message.to for message in mail.outbox if DESK in message.to] == []


@pytest.mark.parametrize("state", [StoryState.SUBMITTED, StoryState.IN_REVIEW, StoryState.APPROVED])
def test_a_story_still_under_review_is_sent_for_review(state):
    story = sent_story()
    job = announced(story)
    UserStory.objects.filter(pk=story.pk).update(state=state)

    assert run(job) == (True, (EmailJobState.DONE, "", 1, True))
    (message,) = mail.outbox
    assert message.to == [DESK]
    assert reverse("admin:stories_userstory_change", args=[story.pk]) in message.body


def decided(story, state, secretariat):
    stories_moderate(
        queryset=UserStory.objects.filter(pk=story.pk), state=state, rejection_reason="Off topic.", by=secretariat
    )
    return EmailJob.objects.filter(task="stories.tasks.send_submitter_email").latest("pk")


@pytest.mark.parametrize(
    ("state", "then"), [(StoryState.PUBLISHED, StoryState.IN_REVIEW), (StoryState.REJECTED, StoryState.IN_REVIEW)]
)
def test_a_decision_reversed_before_its_e_mail_left_ends_its_job_not_sent(people, state, then):
    _contributor, secretariat = people
    story = sent_story(state=StoryState.IN_REVIEW)
    job = decided(story, state, secretariat)

    stories_moderate(queryset=UserStory.objects.filter(pk=story.pk), state=then, by=secretariat)

    assert run(job, send_submitter_email) == (False, (EmailJobState.DONE, OUTDATED, 1, True))
    assert mail.outbox == []


def test_the_receipt_is_sent_whatever_the_story_became_unless_it_is_gone_or_its_address_erased(people):
    _contributor, secretariat = people
    published, erased, gone = sent_story(), sent_story(), sent_story()
    jobs = {}
    for name, story in (("published", published), ("erased", erased), ("gone", gone)):
        story_notifications.enqueue(kind=story_notifications.RECEIVED, story=story)
        jobs[name] = EmailJob.objects.filter(task="stories.tasks.send_submitter_email").latest("pk")
    stories_moderate(queryset=UserStory.objects.filter(pk=published.pk), state=StoryState.PUBLISHED, by=secretariat)
    published_job = EmailJob.objects.filter(task="stories.tasks.send_submitter_email").latest("pk")
    stories_erase_submitters(queryset=UserStory.objects.filter(pk=erased.pk), by=secretariat)
    gone.delete()

    # It was received: the receipt holds, and the decision after it.
    assert run(jobs["published"], send_submitter_email) == (True, (EmailJobState.DONE, "", 1, True))
    assert run(published_job, send_submitter_email) == (True, (EmailJobState.DONE, "", 1, True))
    assert [message.to for message in mail.outbox] == [["sender@example.org"], ["sender@example.org"]]
    assert run(jobs["erased"], send_submitter_email) == (False, (EmailJobState.DONE, NOBODY, 1, True))
    assert run(jobs["gone"], send_submitter_email) == (False, (EmailJobState.DONE, GONE, 1, True))
    assert len(mail.outbox) == 2


def test_a_refused_address_ends_the_job_saying_so(smtp):
    story = sent_story()
    smtp.refuse.add("sender@example.org")
    story_notifications.enqueue(kind=story_notifications.RECEIVED, story=story)
    job = EmailJob.objects.get(task="stories.tasks.send_submitter_email")

    assert run(job, send_submitter_email) == (False, (EmailJobState.DONE, REFUSED, 1, True))
    assert smtp.messages == []


# What the secretariat reads in the admin


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", ["Not sent because", "What it announced no longer holds: the record has changed state since"]),
        (
            "fr",
            [
                "Non envoyé parce que",
                "Ce qu'il annonçait ne tient plus\u00a0: l'enregistrement a changé d'état depuis",
            ],
        ),
    ],
)
def test_the_queued_e_mails_say_why_a_job_was_not_sent_in_the_readers_language(people, client, language, texts):
    contributor, secretariat = people
    record = record_submit(record=RECORDS["accomplishment"](), by=contributor)
    job = new_job("submitted")
    record_publish(record=record, by=secretariat)
    run(job)
    client.force_login(secretariat)

    with translation.override(language):
        response = client.get(reverse("admin:cogwg_emailjob_changelist"), {"skip_reason": EmailSkipReason.OUTDATED})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [job]
    page = html.unescape(response.content.decode())
    for text in texts:
        assert text in page
