"""A story a member of the public sends through the form is reviewed by the secretariat
alone: the contributors of its jurisdiction neither see nor change it until it is
published (cogwg/permissions.py), in the admin (list, change form, history) and the API
(list, detail, writes). Stories a contributor filed themselves keep their rules."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cogwg.permissions import CONTRIBUTOR, SECRETARIAT, roles_sync
from cogwg.retention import personal_information_dispose
from stories.choices import Impact, StoryState, UserType
from stories.models import UserStory
from stories.services import stories_moderate, story_submit
from tests.factories import JurisdictionFactory, UserStoryFactory
from tests.permissions.conftest import admin_client, api_client, make_user
from tests.test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db

SENT_TITLE = "Closer clinics from the public"


@pytest.fixture
def people(db):
    roles_sync()
    on = JurisdictionFactory(code="ON", name_en="Ontario", name_fr="Ontario")
    return {
        "on": on,
        "alice": make_user("alice", CONTRIBUTOR, jurisdictions=[on]),
        "sec": make_user("sec", SECRETARIAT),
    }


def send(on, title=SENT_TITLE, **changes):
    """A story sent through the public form, about Ontario."""
    values = {
        "title": title,
        "summary": "A map of clinics.",
        "language": "en",
        "user_type": UserType.RESEARCHER,
        "impact": Impact.SOCIAL,
        "jurisdiction": on,
        "submitter_name": "Camille Tremblay",
        "submitter_email": "camille@example.org",
    }
    return story_submit(**values | changes)


def filed(on, title="Ontario transit, filed by Ontario"):
    return UserStoryFactory(jurisdiction=on, title_en=title, state=StoryState.SUBMITTED, published_on=None)


def translated_and_published(story, by):
    UserStory.objects.filter(pk=story.pk).update(title_fr="Des cliniques", summary_fr="Une carte.")
    stories_moderate(queryset=UserStory.objects.filter(pk=story.pk), state=StoryState.PUBLISHED, by=by)
    return UserStory.objects.get(pk=story.pk)


def listed_titles(response):
    return [str(story) for story in response.context["cl"].result_list]


# The admin


def test_the_contributor_does_not_find_a_public_submission_in_the_admin(people, client):
    sent, own = send(people["on"]), filed(people["on"])
    admin_client(client, people["alice"])

    listing = client.get(admin_url(UserStory, "changelist"))
    change = client.get(admin_url(UserStory, "change", sent.pk))
    history = client.get(admin_url(UserStory, "history", sent.pk))

    assert listing.status_code == 200
    assert listed_titles(listing) == [own.title_en]
    assert SENT_TITLE.encode() not in listing.content
    assert change.status_code == 404
    assert history.status_code in (403, 404)
    for response in (change, history):
        assert SENT_TITLE.encode() not in response.content
        assert b"camille@example.org" not in response.content


def test_the_contributor_cannot_change_a_public_submission_through_a_tampered_post(people, client):
    sent = send(people["on"])
    url = admin_url(UserStory, "change", sent.pk)
    admin_client(client, people["sec"])
    data = form_data(client.get(url)) | {"title_en": "Hijacked"}
    client.force_login(people["alice"])

    response = client.post(url, data)

    assert response.status_code == 404
    sent.refresh_from_db()
    assert (sent.title_en, sent.state) == (SENT_TITLE, StoryState.SUBMITTED)
    assert sent.history.count() == 1


def test_the_contributor_still_reads_and_changes_the_stories_they_filed(people, client):
    own = filed(people["on"])
    url = admin_url(UserStory, "change", own.pk)
    admin_client(client, people["alice"])

    page = client.get(url)
    saved = client.post(url, form_data(page) | {"title_en": "Ontario transit, corrected"})

    assert page.status_code == 200
    assert saved.status_code == 302
    assert UserStory.objects.get(pk=own.pk).title_en == "Ontario transit, corrected"
    assert client.get(admin_url(UserStory, "history", own.pk)).status_code == 200


def test_the_secretariat_finds_the_public_submission_with_its_sender(people, client):
    sent = send(people["on"])
    admin_client(client, people["sec"])

    listing = client.get(admin_url(UserStory, "changelist"))
    change = client.get(admin_url(UserStory, "change", sent.pk))

    assert SENT_TITLE in listed_titles(listing)
    assert change.status_code == 200
    assert b"camille@example.org" in change.content
    assert client.get(admin_url(UserStory, "history", sent.pk)).status_code == 200


def test_once_published_the_contributor_reads_it_like_anyone_but_never_its_sender_or_history(people, client):
    sent = translated_and_published(send(people["on"]), people["sec"])
    admin_client(client, people["alice"])

    listing = client.get(admin_url(UserStory, "changelist"))
    change = client.get(admin_url(UserStory, "change", sent.pk))
    history = client.get(admin_url(UserStory, "history", sent.pk))

    assert SENT_TITLE in listed_titles(listing)
    assert change.status_code == 200
    assert b"camille@example.org" not in change.content
    assert change.context["has_change_permission"] is False
    assert history.status_code in (403, 404)


def test_a_rejected_submission_stays_the_secretariats_once_its_sender_is_erased(people, client):
    sent = send(people["on"])
    stories_moderate(
        queryset=UserStory.objects.filter(pk=sent.pk),
        state=StoryState.REJECTED,
        rejection_reason="Not about open data.",
        by=people["sec"],
    )
    UserStory.objects.filter(pk=sent.pk).update(modified_at=timezone.now() - datetime.timedelta(days=400))
    personal_information_dispose()
    assert UserStory.objects.filter(pk=sent.pk, submitter_email="", submitter_name="").exists()
    admin_client(client, people["alice"])

    assert client.get(admin_url(UserStory, "change", sent.pk)).status_code == 404
    assert api_client(people["alice"]).get(f"/api/v1/stories/{sent.pk}/").status_code == 404


# The API


def test_the_api_answers_the_contributor_404_for_a_public_submission_and_leaves_it_out_of_the_list(people):
    sent, own = send(people["on"]), filed(people["on"])
    alice = api_client(people["alice"])

    detail = alice.get(f"/api/v1/stories/{sent.pk}/")
    listing = alice.get("/api/v1/stories/", {"state": "submitted"})
    changed = alice.patch(f"/api/v1/stories/{sent.pk}/", {"title_en": "Hijacked"}, format="json")

    assert detail.status_code == 404
    assert listing.status_code == 200
    assert [story["title"] for story in listing.json()["results"]] == [own.title_en]
    assert changed.status_code == 404
    assert UserStory.objects.get(pk=sent.pk).title_en == SENT_TITLE
    assert alice.get(f"/api/v1/stories/{own.pk}/").status_code == 200


def test_the_api_gives_the_secretariat_the_public_submission(people):
    sent = send(people["on"])
    secretariat = api_client(people["sec"])

    assert secretariat.get(f"/api/v1/stories/{sent.pk}/").status_code == 200
    assert SENT_TITLE in [story["title"] for story in secretariat.get("/api/v1/stories/").json()["results"]]


def test_once_published_the_public_and_the_contributor_read_it_in_the_api(people):
    sent = send(people["on"])
    assert api_client(None).get(f"/api/v1/stories/{sent.pk}/").status_code == 404

    translated_and_published(sent, people["sec"])

    for reader in (None, people["alice"]):
        response = api_client(reader).get(f"/api/v1/stories/{sent.pk}/")
        assert response.status_code == 200
        assert "camille" not in response.content.decode()


def test_the_contributors_list_runs_the_same_queries_whatever_the_number_of_submissions(
    people, django_assert_num_queries
):
    alice = api_client(people["alice"])

    def queries_of_the_list():
        # The first answer after a write computes the data version again: the second one is measured.
        alice.get("/api/v1/stories/")
        with CaptureQueriesContext(connection) as queries:
            response = alice.get("/api/v1/stories/")
        assert response.status_code == 200
        return len(queries), len(response.json()["results"])

    send(people["on"], title="Public 0")
    filed(people["on"], title="Filed 0")
    few = queries_of_the_list()
    for number in range(1, 8):
        send(people["on"], title=f"Public {number}", submitter_email=f"p{number}@example.org")
        filed(people["on"], title=f"Filed {number}")
    many = queries_of_the_list()

    assert (few[1], many[1]) == (1, 8)
    assert few[0] == many[0]
    with django_assert_num_queries(few[0]):
        alice.get("/api/v1/stories/")
