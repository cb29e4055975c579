"""A record whose event happens again while the first e-mail of it still waits (submitted,
returned, submitted again within minutes, the jobs pending for the broker or retrying for
the mail server) is told of once: the job queued later (the same task, the same record,
the same event) is the one sent, and the earlier one is done without sending, as
outdated (``EmailJob.skip_reason``), whichever runs first. An e-mail that had left before
the event happened again is no duplicate: the later one is sent too. The same for a
story's decision e-mailed to whoever sent it."""

import pytest
from django.core import mail

from cogwg.choices import EmailJobState, EmailSkipReason, PublicationState
from cogwg.models import EmailJob
from cogwg.notification_tasks import send_review_email
from cogwg.services import record_publish, record_return, record_submit, records_unpublish
from stories.choices import StoryState
from stories.models import UserStory
from stories.services import stories_moderate
from stories.tasks import send_submitter_email
from tests.factories import AccomplishmentFactory, StaffFactory, UserFactory, UserStoryFactory

pytestmark = pytest.mark.django_db

DESK = "desk@example.org"
CONTRIBUTOR = "contributor@example.org"
REVIEW_TASK = "cogwg.notification_tasks.send_review_email"
STORY_TASK = "stories.tasks.send_submitter_email"
SENT = (True, (EmailJobState.DONE, "", 1, True))
SUPERSEDED = (False, (EmailJobState.DONE, EmailSkipReason.OUTDATED, 1, True))


@pytest.fixture(autouse=True)
def desk(settings):
    settings.COGWG_SECRETARIAT_EMAILS = [DESK]


@pytest.fixture
def people():
    return UserFactory(email=CONTRIBUTOR), StaffFactory()


def review_jobs(event):
    """The review e-mail jobs of ``event`` not run yet, oldest first: the test's
    transaction never commits, as if the broker were late."""
    return list(EmailJob.objects.filter(task=REVIEW_TASK, args__0=event, state=EmailJobState.PENDING).order_by("pk"))


def run(job, task=send_review_email):
    """The task, as the worker runs it at last; what it returned, and its job as it ends."""
    result = task.apply(args=job.args, kwargs={"job": job.pk}).get()
    job.refresh_from_db()
    return result, (job.state, job.skip_reason, job.attempts, job.done_at is not None)


def submitted_returned_submitted(people):
    contributor, secretariat = people
    record = AccomplishmentFactory(publication_state=PublicationState.DRAFT)
    record_submit(record=record, by=contributor)
    record_return(record=record, comment="Add the link, please.", by=secretariat)
    record_submit(record=record, by=contributor)
    return record


@pytest.mark.parametrize("order", ["earlier first", "later first"])
def test_a_record_submitted_again_before_its_first_e_mail_left_is_sent_for_review_once(people, order):
    submitted_returned_submitted(people)
    first, again = review_jobs("submitted")
    (returned,) = review_jobs("returned")

    if order == "earlier first":
        assert run(first) == SUPERSEDED
        assert run(again) == SENT
    else:
        assert run(again) == SENT
        assert run(first) == SUPERSEDED
    # Returned, then submitted again: "change it" no longer holds.
    assert run(returned) == (False, (EmailJobState.DONE, EmailSkipReason.OUTDATED, 1, True))

    assert [message.to for message in mail.outbox] == [[DESK]]
    assert "submitted for review" in mail.outbox[0].subject


def test_a_record_published_withdrawn_and_published_again_before_its_e_mail_left_is_announced_once(people):
    contributor, secretariat = people
    record = record_submit(record=AccomplishmentFactory(publication_state=PublicationState.DRAFT), by=contributor)
    record_publish(record=record, by=secretariat)
    records_unpublish(queryset=type(record).objects.filter(pk=record.pk), by=secretariat)
    record_publish(record=record, by=secretariat)
    first, again = review_jobs("published")

    assert run(first) == SUPERSEDED
    assert run(again) == SENT

    assert [message.to for message in mail.outbox] == [[CONTRIBUTOR]]


def test_a_first_e_mail_that_had_left_before_the_record_was_submitted_again_is_no_duplicate(people):
    contributor, secretariat = people
    record = record_submit(record=AccomplishmentFactory(publication_state=PublicationState.DRAFT), by=contributor)
    (first,) = review_jobs("submitted")
    assert run(first) == SENT
    record_return(record=record, comment="Add the link, please.", by=secretariat)
    record_submit(record=record, by=contributor)

    (again,) = review_jobs("submitted")
    assert run(again) == SENT

    assert [message.to for message in mail.outbox] == [[DESK], [DESK]]


def test_the_same_event_of_another_record_or_another_event_of_the_record_supersedes_nothing(people):
    contributor, secretariat = people
    record, other = (AccomplishmentFactory(publication_state=PublicationState.DRAFT) for _ in range(2))
    record_submit(record=record, by=contributor)
    record_submit(record=other, by=contributor)
    record_publish(record=other, by=secretariat)
    first, of_other = review_jobs("submitted")

    assert run(first) == SENT
    assert run(of_other) == (False, (EmailJobState.DONE, EmailSkipReason.OUTDATED, 1, True))  # published since
    (published,) = review_jobs("published")
    assert run(published) == SENT

    assert [message.to for message in mail.outbox] == [[DESK], [CONTRIBUTOR]]


def test_a_story_published_again_before_its_decision_left_is_announced_once_to_its_sender(people):
    _contributor, secretariat = people
    story = UserStoryFactory(
        state=StoryState.IN_REVIEW, published_on=None, submitter_email="sender@example.org", submitter_language="en"
    )
    only_it = UserStory.objects.filter(pk=story.pk)
    for state in (StoryState.PUBLISHED, StoryState.IN_REVIEW, StoryState.PUBLISHED):
        stories_moderate(queryset=only_it, state=state, by=secretariat)
    first, again = EmailJob.objects.filter(task=STORY_TASK).order_by("pk")

    assert run(again, send_submitter_email) == SENT
    assert run(first, send_submitter_email) == SUPERSEDED

    assert [message.to for message in mail.outbox] == [["sender@example.org"]]
    assert "published" in mail.outbox[0].subject
