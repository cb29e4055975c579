"""A story sent twice (a double click, or "Back" and "Submit" again) is stored once and
thanked the same; two submissions that reach the database together never fail on the
slug they both wanted (a 500 on PostgreSQL): the second one takes another."""

import datetime

import pytest
from django.core import mail
from django.core.cache import cache

from stories.models import UserStory
from stories.services import RESUBMISSION_WINDOW, story_submit, submissions
from tests.factories import JurisdictionFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def valid_story(**changes):
    data = {
        "title": "Bus data app",
        "summary": "A developer built an app on the bus schedules.",
        "story": "",
        "user_type": "business",
        "impact": "economic",
        "jurisdiction": "",
        "datasets": "",
        "submitter_name": "",
        "submitter_email": "dev@example.org",
        "consent": "on",
        "website": "",
    }
    return data | changes


def submitted(**changes):
    values = {
        "title": "Bus data app",
        "summary": "A developer built an app on the bus schedules.",
        "language": "en",
        "user_type": "business",
        "impact": "economic",
        "submitter_email": "dev@example.org",
    }
    return story_submit(**(values | changes))


@pytest.fixture(autouse=True)
def references(db):
    JurisdictionFactory(code="QC")
    ThemeFactory(slug="health")
    cache.clear()  # the form's rate limit
    yield
    cache.clear()


def test_the_same_story_sent_twice_is_stored_once_and_thanked_twice(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/en/user-stories/submit/", valid_story())
        second = client.post("/en/user-stories/submit/", valid_story(submitter_email="DEV@example.org"))

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == "/en/user-stories/submit/thank-you/"
    assert list(UserStory.objects.values_list("slug", flat=True)) == ["bus-data-app"]
    assert [message.to for message in mail.outbox if message.to == ["dev@example.org"]] == [["dev@example.org"]]


@pytest.mark.parametrize(
    "changed",
    [{"title": "Bus data app, version 2"}, {"summary": "Another app."}, {"submitter_email": "other@example.org"}],
    ids=["title", "summary", "e-mail"],
)
def test_a_different_story_is_a_new_one(changed):
    first = submitted()
    second = submitted(**changed)

    assert first.pk != second.pk
    assert UserStory.objects.count() == 2
    assert second.slug != first.slug


def test_the_same_story_sent_again_later_is_a_new_one():
    first = submitted()
    UserStory.objects.filter(pk=first.pk).update(
        created_at=first.created_at - RESUBMISSION_WINDOW - datetime.timedelta(seconds=1)
    )

    second = submitted()

    assert second.pk != first.pk
    assert second.slug.startswith("bus-data-app-")


def test_the_same_story_sent_again_returns_the_first_one():
    first = submitted()

    assert submitted(title="Bus data app").pk == first.pk
    assert UserStory.objects.count() == 1


def test_a_slug_taken_between_the_check_and_the_save_is_retried(monkeypatch):
    """Another submission stored "bus-data-app" after this one checked that the slug was
    free: the database's unique constraint refuses the INSERT, and the story is stored
    under another slug, in the same transaction."""
    UserStory.objects.create(
        slug="bus-data-app", title_en="Other", summary_en="Other", user_type="media", impact="social"
    )
    checks = []
    slug_taken = submissions._slug_taken

    def checked_before_the_other_insert(slug):
        checks.append(slug)
        return False if len(checks) == 1 else slug_taken(slug)

    monkeypatch.setattr(submissions, "_slug_taken", checked_before_the_other_insert)

    story = submitted(submitter_email="racer@example.org")

    assert checks[:2] == ["bus-data-app", "bus-data-app"]  # free at first, then found taken
    assert story.slug.startswith("bus-data-app-")
    assert sorted(UserStory.objects.values_list("title_en", flat=True)) == ["Bus data app", "Other"]
    assert UserStory.objects.get(pk=story.pk).submitter_email == "racer@example.org"


def test_a_title_that_is_a_page_of_the_site_gets_another_slug():
    assert submitted(title="Submit").slug == "story-submit"
    assert submitted(title="Soumettre", language="fr").slug == "story-soumettre"
