"""A user story under review may be written in either official language: its title and
summary are required in English or in French (UserStory.clean), and the secretariat
moves a French-only story to review, approval or rejection without translating it.
Publishing still needs both (stories.services.story_publication_gaps)."""

import pytest
from django.urls import reverse
from django.utils import translation

from stories.choices import StoryState
from stories.models import UserStory
from tests.factories import UserStoryFactory
from tests.test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
EITHER = {
    "en": "Enter the “%s” in English, in French or in both.",
    "fr": f"Saisissez le champ «{NBSP}%s{NBSP}» en anglais, en français ou dans les deux langues.",
}
FIELD_NAMES = {"en": {"title": "title", "summary": "summary"}, "fr": {"title": "titre", "summary": "résumé"}}


def either(name, language):
    return EITHER[language] % FIELD_NAMES[language][name]


def french_only(state=StoryState.SUBMITTED):
    return UserStoryFactory(
        title_en="",
        summary_en="",
        title_fr="Des cliniques plus proches",
        summary_fr="Les données ouvertes ont rapproché les cliniques.",
        state=state,
        published_on=None,
    )


def change_form_post(client, story, language, **changes):
    with translation.override(language):
        url = admin_url(UserStory, "change", story.pk)
    return client.post(url, form_data(client.get(url)) | changes)


# The admin


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_french_only_story_is_added_in_the_admin(staff_client, language):
    with translation.override(language):
        url = admin_url(UserStory, "add")
    data = form_data(staff_client.get(url)) | {
        "title_fr": "Des cliniques plus proches",
        "summary_fr": "Les données ouvertes ont rapproché les cliniques.",
        "slug": "cliniques",
        "user_type": "researcher",
        "impact": "social",
    }

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    story = UserStory.objects.get()
    assert (story.title_en or "", story.title_fr, story.state) == ("", "Des cliniques plus proches", "submitted")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_story_without_a_summary_in_any_language_is_a_form_error(staff_client, language):
    story = french_only()

    response = change_form_post(staff_client, story, language, summary_fr="")

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"summary_en": [either("summary", language)], "summary_fr": [either("summary", language)]}
    assert UserStory.objects.get(pk=story.pk).summary_fr == "Les données ouvertes ont rapproché les cliniques."


@pytest.mark.parametrize("state", [StoryState.IN_REVIEW, StoryState.APPROVED, StoryState.REJECTED])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_french_only_story_is_moved_without_being_translated(staff_client, language, state):
    story = french_only()

    reason = "Hors sujet." if state == StoryState.REJECTED else ""

    response = change_form_post(staff_client, story, language, state=state, rejection_reason=reason)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert UserStory.objects.get(pk=story.pk).state == state


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_french_only_story_is_not_published_by_the_change_form(staff_client, language):
    story = french_only(state=StoryState.APPROVED)

    response = change_form_post(staff_client, story, language, state=StoryState.PUBLISHED)

    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"title_en", "summary_en"}
    assert UserStory.objects.get(pk=story.pk).state == StoryState.APPROVED


# The API


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_french_only_story_is_created_and_put_under_review_through_the_api(staff_api, language):
    created = staff_api.post(
        f"/api/v1/stories/?lang={language}",
        {
            "slug": "cliniques",
            "title_fr": "Des cliniques plus proches",
            "summary_fr": "Les données ouvertes ont rapproché les cliniques.",
            "user_type": "researcher",
            "impact": "social",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    story = UserStory.objects.get()

    reviewed = staff_api.post(f"/api/v1/stories/{story.pk}/review/?lang={language}")
    refused = staff_api.post(f"/api/v1/stories/{story.pk}/publish/?lang={language}")

    assert reviewed.status_code == 200
    assert refused.status_code == 400
    assert set(refused.json()) == {"title_en", "summary_en"}
    assert UserStory.objects.get(pk=story.pk).state == StoryState.IN_REVIEW


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_story_without_a_title_in_any_language_is_a_400(staff_api, language):
    response = staff_api.post(
        f"/api/v1/stories/?lang={language}",
        {"slug": "untitled", "summary_en": "Open data helped.", "user_type": "researcher", "impact": "social"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"title_en": [either("title", language)], "title_fr": [either("title", language)]}
    assert not UserStory.objects.exists()


def test_the_public_form_still_asks_for_a_title_and_a_summary(client):
    with translation.override("fr"):
        url = reverse("stories:submit")

    response = client.post(url, {"title": "", "summary": ""})

    assert response.status_code == 200
    assert {"title", "summary"} <= set(response.context["form"].errors)
    assert not UserStory.objects.exists()


@pytest.mark.parametrize(
    ("story_en", "story_fr", "published"), [("", "", True), ("Text", "Texte", True), ("Text", "", False)]
)
def test_a_story_s_text_is_published_in_both_languages_or_neither(staff_api, story_en, story_fr, published):
    story = UserStoryFactory(story_en=story_en, story_fr=story_fr, state=StoryState.APPROVED, published_on=None)

    response = staff_api.post(f"/api/v1/stories/{story.pk}/publish/?lang=fr")

    assert (UserStory.objects.get(pk=story.pk).state == StoryState.PUBLISHED) is published
    if not published:
        assert response.status_code == 400
        assert response.json() == {
            "story_fr": ["Un récit publié donne son texte dans les deux langues\u00a0: saisissez-le aussi en français."]
        }
