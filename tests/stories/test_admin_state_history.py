"""A save of a story's admin form that moves its state (the change form, the add form, a
version's "Revert") is one save: one row of the story's history, holding the form's edits
and the new state, by whoever saved, with the move's reason (stories.services.story_move,
whose rules and e-mails still apply)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation

from stories.choices import StoryState
from stories.models import UserStory
from stories.services import STORY_MOVE_REASONS
from tests.factories import UserStoryFactory
from tests.test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db


def change_form_post(client, story, **changes):
    url = admin_url(UserStory, "change", story.pk)
    return client.post(url, form_data(client.get(url)) | changes)


def test_an_edit_and_a_move_make_one_row_of_history(staff_client, staff):
    story = UserStoryFactory(state=StoryState.IN_REVIEW, published_on=None)

    response = change_form_post(staff_client, story, state=StoryState.APPROVED, title_en="Closer clinics")

    assert response.status_code == 302
    latest, created = story.history.all()
    assert (latest.history_type, latest.state, latest.title_en) == ("~", StoryState.APPROVED, "Closer clinics")
    assert (latest.history_user, latest.history_change_reason) == (staff, "Story approved")
    assert (created.history_type, created.state, created.title_en) == ("+", StoryState.IN_REVIEW, story.title_en)


def test_a_story_published_from_the_change_form_is_one_row_and_its_sender_is_told(
    staff_client, staff, django_capture_on_commit_callbacks
):
    story = UserStoryFactory(
        state=StoryState.APPROVED, published_on=None, submitter_email="camille@example.org", submitter_language="en"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = change_form_post(
            staff_client, story, state=StoryState.PUBLISHED, published_on="2020-06-30", summary_en="A map of clinics."
        )

    assert response.status_code == 302
    latest, _created = story.history.all()
    assert (latest.state, latest.published_on, latest.summary_en) == (
        StoryState.PUBLISHED,
        datetime.date(2020, 6, 30),
        "A map of clinics.",
    )
    assert (latest.history_user, latest.history_change_reason) == (staff, STORY_MOVE_REASONS[StoryState.PUBLISHED])
    (message,) = mail.outbox
    assert message.to == ["camille@example.org"]


def test_a_story_added_as_published_is_one_row(staff_client, staff):
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
    (created,) = story.history.all()
    assert (created.history_type, created.state, created.published_on) == (
        "+",
        StoryState.PUBLISHED,
        timezone.localdate(),
    )
    assert (created.history_user, created.history_change_reason) == (staff, "Story published")


def test_a_revert_that_moves_the_story_is_one_row(staff_client, staff):
    story = UserStoryFactory(title_en="Closer clinics", published_on=datetime.date(2020, 6, 15))
    published_version = story.history.get()
    UserStory.objects.filter(pk=story.pk).update(state=StoryState.IN_REVIEW, title_en="Withdrawn")
    url = admin_url(UserStory, "simple_history", story.pk, published_version.history_id)

    response = staff_client.post(url, form_data(staff_client.get(url)))

    assert response.status_code == 302
    latest, _created = story.history.all()
    assert (latest.state, latest.title_en, latest.published_on) == (
        StoryState.PUBLISHED,
        "Closer clinics",
        datetime.date(2020, 6, 15),
    )
    assert (latest.history_user, latest.history_change_reason) == (staff, "Story published")


def test_a_refused_move_writes_nothing(staff_client):
    story = UserStoryFactory(state=StoryState.REJECTED, published_on=None, rejection_reason="Not about open data.")

    response = change_form_post(staff_client, story, state=StoryState.PUBLISHED, title_en="Closer clinics")

    assert response.status_code == 200
    assert list(story.history.values_list("history_type", "state", "title_en")) == [
        ("+", StoryState.REJECTED, story.title_en)
    ]


def test_an_edit_that_keeps_the_state_gives_no_reason(staff_client):
    story = UserStoryFactory(state=StoryState.IN_REVIEW, published_on=None)

    change_form_post(staff_client, story, title_en="Closer clinics")

    latest = story.history.first()
    assert (latest.state, latest.title_en, latest.history_change_reason) == (
        StoryState.IN_REVIEW,
        "Closer clinics",
        None,
    )


def test_the_history_page_gives_the_moves_reason_in_the_readers_language(staff_client):
    story = UserStoryFactory(state=StoryState.IN_REVIEW, published_on=None)
    change_form_post(staff_client, story, state=StoryState.APPROVED)

    with translation.override("fr"):
        page = staff_client.get(admin_url(UserStory, "history", story.pk))
    in_english = staff_client.get(admin_url(UserStory, "history", story.pk))

    assert "Récit approuvé" in page.content.decode()
    assert "Story approved" in in_english.content.decode()


def test_the_list_actions_and_the_api_give_their_moves_the_same_reasons(staff_client, staff_api):
    listed = UserStoryFactory(state=StoryState.APPROVED, published_on=None)
    by_api = UserStoryFactory(state=StoryState.SUBMITTED, published_on=None)

    staff_client.post(
        admin_url(UserStory, "changelist"),
        {"action": "reject_selected", "_selected_action": [listed.pk], "apply": "yes", "rejection_reason": "No."},
    )
    staff_api.post(f"/api/v1/stories/{by_api.pk}/review/")

    assert list(listed.history.values_list("state", "history_change_reason")) == [
        (StoryState.REJECTED, "Story rejected"),
        (StoryState.APPROVED, None),
    ]
    assert list(by_api.history.values_list("state", "history_change_reason")) == [
        (StoryState.IN_REVIEW, "Story put under review"),
        (StoryState.SUBMITTED, None),
    ]
