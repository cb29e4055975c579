"""A story's state moves only through the services (stories.services.story_move, and
stories_moderate in bulk), under the same rules whichever way the secretariat goes: the
API's actions (a write of the story leaves its state alone), and the admin's change form,
add form and a version's "Revert", whose refusals are form errors in the page's language.
A rejected story is never published at once: it is put back under review first."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone, translation
from rest_framework.test import APIClient

from cogwg.permissions import CONTRIBUTOR, roles_sync
from stories.choices import StoryState
from stories.models import UserStory
from tests.factories import ContributorFactory, JurisdictionFactory, UserFactory, UserStoryFactory
from tests.test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
REJECTED_NOT_PUBLISHED = {
    "en": "A rejected story cannot be published: only a story under review can.",
    "fr": f"Un récit rejeté ne peut pas être publié{NBSP}: seul un récit en cours d'examen peut l'être.",
}
PUBLISHED_NOT_REJECTED = {
    "en": "A story in the state “Published” cannot move to “Rejected”. From “Published”, it can move to: In review.",
    "fr": f"Un récit à l'état «{NBSP}Publié{NBSP}» ne peut pas passer à l'état «{NBSP}Rejeté{NBSP}». De l'état "
    f"«{NBSP}Publié{NBSP}», il peut passer à{NBSP}: En cours d'examen.",
}


def states(story):
    """The states of ``story``'s history, oldest first."""
    return list(story.history.order_by("history_id").values_list("state", flat=True))


def change_form_post(client, story, language="en", **changes):
    """Post ``story``'s change form, in ``language``, as a browser would after ``changes``."""
    with translation.override(language):
        url = admin_url(UserStory, "change", story.pk)
    return client.post(url, form_data(client.get(url)) | changes)


def revert_post(client, story, version, **changes):
    """Post the "Revert" page of ``story``'s ``version``, as a browser would after ``changes``."""
    url = admin_url(UserStory, "simple_history", story.pk, version.history_id)
    return client.post(url, form_data(client.get(url)) | changes)


# The API: the state is its actions'


def test_a_write_of_the_state_does_not_publish_a_rejected_story(staff_api):
    story = UserStoryFactory(state=StoryState.REJECTED, published_on=None, rejection_reason="Not about open data.")

    response = staff_api.patch(
        f"/api/v1/stories/{story.pk}/", {"state": "published", "published_on": "2020-06-01"}, format="json"
    )

    # Refused, naming the actions (tests/api/test_state_writes.py), rather than ignored.
    assert response.status_code == 400
    assert list(response.json()) == ["state"]
    assert UserStory.objects.get(pk=story.pk).state == StoryState.REJECTED
    assert UserStory.objects.get(pk=story.pk).published_on is None
    assert not UserStory.objects.published().exists()


def test_the_api_rejects_a_story_under_review_and_tells_its_sender(
    staff_api, staff, django_capture_on_commit_callbacks
):
    story = UserStoryFactory(
        state=StoryState.IN_REVIEW, published_on=None, submitter_email="camille@example.org", submitter_language="en"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_api.post(f"/api/v1/stories/{story.pk}/reject/", {"reason": "No open data."}, format="json")

    assert response.status_code == 200
    assert response.json()["state"] == StoryState.REJECTED
    latest = story.history.first()
    assert (latest.state, latest.history_user) == (StoryState.REJECTED, staff)
    (message,) = mail.outbox
    assert (message.to, message.subject) == (["camille@example.org"], "COGWG: your user story was not accepted")


def test_the_api_refuses_to_reject_a_published_story_and_says_where_it_can_go(staff_api):
    story = UserStoryFactory(published_on=datetime.date(2020, 6, 15))

    response = staff_api.post(f"/api/v1/stories/{story.pk}/reject/", {"reason": "No open data."}, format="json")
    in_french = staff_api.post(f"/api/v1/stories/{story.pk}/reject/?lang=fr", {"reason": "Non."}, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [PUBLISHED_NOT_REJECTED["en"]]}
    assert in_french.json() == {"non_field_errors": [PUBLISHED_NOT_REJECTED["fr"]]}
    story.refresh_from_db()
    assert (story.state, story.published_on) == (StoryState.PUBLISHED, datetime.date(2020, 6, 15))
    assert states(story) == [StoryState.PUBLISHED]


def test_a_published_story_is_withdrawn_under_review_then_rejected(staff_api):
    story = UserStoryFactory(published_on=datetime.date(2020, 6, 15))

    withdrawn = staff_api.post(f"/api/v1/stories/{story.pk}/review/")
    rejected = staff_api.post(f"/api/v1/stories/{story.pk}/reject/", {"reason": "No open data."}, format="json")

    assert (withdrawn.status_code, rejected.status_code) == (200, 200)
    assert (withdrawn.json()["state"], withdrawn.json()["published_on"]) == (StoryState.IN_REVIEW, "2020-06-15")
    assert rejected.json()["state"] == StoryState.REJECTED
    assert states(story) == [StoryState.PUBLISHED, StoryState.IN_REVIEW, StoryState.REJECTED]


def test_a_rejected_story_is_published_only_once_under_review_again(staff_api):
    story = UserStoryFactory(state=StoryState.REJECTED, published_on=None, rejection_reason="Not about open data.")

    refused = staff_api.post(f"/api/v1/stories/{story.pk}/publish/")
    reconsidered = staff_api.post(f"/api/v1/stories/{story.pk}/review/")
    published = staff_api.post(f"/api/v1/stories/{story.pk}/publish/", {"published_on": "2020-07-01"}, format="json")

    assert refused.json() == {"non_field_errors": [REJECTED_NOT_PUBLISHED["en"]]}
    assert reconsidered.json()["state"] == StoryState.IN_REVIEW
    assert (published.json()["state"], published.json()["published_on"]) == (StoryState.PUBLISHED, "2020-07-01")
    assert states(story) == [StoryState.REJECTED, StoryState.IN_REVIEW, StoryState.PUBLISHED]


def test_the_api_approves_a_submitted_story_and_publishes_it_today(staff_api):
    story = UserStoryFactory(state=StoryState.SUBMITTED, published_on=None)

    approved = staff_api.post(f"/api/v1/stories/{story.pk}/approve/")
    published = staff_api.post(f"/api/v1/stories/{story.pk}/publish/")

    assert approved.json()["state"] == StoryState.APPROVED
    assert published.json()["published_on"] == timezone.localdate().isoformat()
    assert states(story) == [StoryState.SUBMITTED, StoryState.APPROVED, StoryState.PUBLISHED]


def test_a_publication_date_that_is_no_date_is_refused(staff_api):
    story = UserStoryFactory(state=StoryState.APPROVED, published_on=None)

    response = staff_api.post(f"/api/v1/stories/{story.pk}/publish/", {"published_on": "soon"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["published_on"]
    story.refresh_from_db()
    assert (story.state, story.published_on) == (StoryState.APPROVED, None)


@pytest.mark.parametrize("action", ["publish", "approve", "review", "reject"])
def test_only_the_secretariat_moderates_a_story(action):
    roles_sync()
    on = JurisdictionFactory(code="ON")
    alice = UserFactory(username="alice", is_staff=True)
    alice.groups.add(Group.objects.get(name=CONTRIBUTOR))
    ContributorFactory(user=alice, jurisdiction=on)
    # Filed by her, still submitted: hers to change, not to moderate.
    story = UserStoryFactory(jurisdiction=on, state=StoryState.SUBMITTED, published_on=None)
    contributor = APIClient()
    contributor.force_authenticate(alice)

    refused = contributor.post(f"/api/v1/stories/{story.pk}/{action}/")
    anonymous = APIClient().post(f"/api/v1/stories/{story.pk}/{action}/")
    changed = contributor.patch(f"/api/v1/stories/{story.pk}/", {"title_en": "Ours"}, format="json")

    assert (refused.status_code, anonymous.status_code, changed.status_code) == (403, 401, 200)
    assert UserStory.objects.get(pk=story.pk).state == StoryState.SUBMITTED


# The admin: the same rules, as form errors in the page's language


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_change_form_does_not_publish_a_rejected_story(staff_client, language):
    story = UserStoryFactory(state=StoryState.REJECTED, published_on=None, rejection_reason="Not about open data.")

    response = change_form_post(staff_client, story, language, state=StoryState.PUBLISHED)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["state"] == [REJECTED_NOT_PUBLISHED[language]]
    story.refresh_from_db()
    assert (story.state, story.published_on) == (StoryState.REJECTED, None)
    assert states(story) == [StoryState.REJECTED]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_change_form_refuses_a_move_the_api_refuses(staff_client, language):
    story = UserStoryFactory(published_on=datetime.date(2020, 6, 15))

    response = change_form_post(
        staff_client, story, language, state=StoryState.REJECTED, rejection_reason="Not about open data."
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["state"] == [PUBLISHED_NOT_REJECTED[language]]
    assert UserStory.objects.get(pk=story.pk).state == StoryState.PUBLISHED


def test_the_change_form_moves_a_story_through_the_service(staff_client, staff):
    story = UserStoryFactory(state=StoryState.IN_REVIEW, published_on=None)

    response = change_form_post(staff_client, story, state=StoryState.APPROVED, title_en="Closer clinics")

    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.state, story.title_en) == (StoryState.APPROVED, "Closer clinics")
    # The form's other changes and the service's move in one version, by whoever saved,
    # with the move's reason.
    latest, before = story.history.all()[:2]
    assert (latest.state, latest.title_en, latest.history_user) == (StoryState.APPROVED, "Closer clinics", staff)
    assert latest.history_change_reason == "Story approved"
    assert (before.state, before.title_en) == (StoryState.IN_REVIEW, story.history.last().title_en)


def test_the_change_form_publishes_on_the_date_given(staff_client):
    story = UserStoryFactory(state=StoryState.APPROVED, published_on=None)

    response = change_form_post(staff_client, story, state=StoryState.PUBLISHED, published_on="2020-06-30")

    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.state, story.published_on) == (StoryState.PUBLISHED, datetime.date(2020, 6, 30))
    assert states(story) == [StoryState.APPROVED, StoryState.PUBLISHED]


def test_a_story_added_as_published_is_published_by_the_service(staff_client, staff):
    url = admin_url(UserStory, "add")
    data = form_data(staff_client.get(url)) | {
        "title_en": "Closer clinics",
        "title_fr": "Des cliniques plus proches",
        "slug": "closer-clinics",
        "summary_en": "A map of clinics.",
        "summary_fr": "Une carte des cliniques.",
        "user_type": "researcher",
        "impact": "social",
        "state": StoryState.PUBLISHED,
    }

    response = staff_client.post(url, data)

    assert response.status_code == 302
    story = UserStory.objects.get(slug="closer-clinics")
    assert (story.state, story.published_on) == (StoryState.PUBLISHED, timezone.localdate())
    assert states(story) == [StoryState.PUBLISHED]
    assert story.history.first().history_user == staff


def test_a_revert_does_not_publish_a_rejected_story(staff_client):
    story = UserStoryFactory(published_on=datetime.date(2020, 6, 15))
    published_version = story.history.get()
    story.state = StoryState.REJECTED
    story.rejection_reason = "Not about open data."
    story.save()

    response = revert_post(staff_client, story, published_version)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["state"] == [REJECTED_NOT_PUBLISHED["en"]]
    assert UserStory.objects.get(pk=story.pk).state == StoryState.REJECTED


def test_a_revert_to_a_published_version_checks_what_a_published_story_has(staff_client):
    # Published without its French summary before the rule held; under review since.
    story = UserStoryFactory(summary_fr="", published_on=datetime.date(2020, 6, 15))
    published_version = story.history.get()
    story.state = StoryState.IN_REVIEW
    story.save()

    response = revert_post(staff_client, story, published_version)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["summary_fr"] == ["A published story needs its summary in French."]
    story.refresh_from_db()
    assert (story.state, story.summary_fr) == (StoryState.IN_REVIEW, "")
    assert not UserStory.objects.published().exists()


def test_a_revert_with_the_missing_text_given_publishes_the_story(staff_client, staff):
    story = UserStoryFactory(summary_fr="", published_on=datetime.date(2020, 6, 15))
    published_version = story.history.get()
    story.state = StoryState.IN_REVIEW
    story.save()

    response = revert_post(staff_client, story, published_version, summary_fr="Une carte des cliniques.")

    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.state, story.summary_fr) == (StoryState.PUBLISHED, "Une carte des cliniques.")
    assert story.history.first().history_user == staff
