"""A story's slug cannot be a word that the stories' own addresses use where a slug
stands (/en/user-stories/submit/ is the form): the admin and the API refuse it, in the
reader's language."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from stories.models import UserStory, reserved_story_slugs, validate_story_slug
from tests.factories import UserStoryFactory
from tests.test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db


def test_the_reserved_words_are_those_of_the_submission_form_in_both_languages():
    assert reserved_story_slugs() == {"submit", "soumettre"}
    for language, word in [("en", "submit"), ("fr", "soumettre")]:
        with translation.override(language):
            assert reverse("stories:detail", args=[word]) == reverse("stories:submit")


@pytest.mark.parametrize("slug", ["submit", "soumettre", "Submit"])
def test_the_model_refuses_a_reserved_slug(slug):
    with pytest.raises(ValidationError) as refused:
        validate_story_slug(slug)

    assert refused.value.code == "reserved"


@pytest.mark.parametrize("slug", ["submitted", "submit-data", "story-submit", "soumettre-un-recit"])
def test_other_slugs_are_fine(slug):
    validate_story_slug(slug)


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("/en/", "“soumettre” is the address of one of the site's pages: choose another slug."),
        (
            "/fr/",
            "«\u00a0soumettre\u00a0» est l'adresse d'une page du site\u00a0: choisissez un autre identifiant d'URL.",
        ),
    ],
)
def test_the_admin_refuses_a_reserved_slug_in_its_language(staff_client, prefix, message):
    story = UserStoryFactory(slug="clinics")
    url = admin_url(UserStory, "change", story.pk).replace("/en/", prefix)

    response = staff_client.post(url, form_data(staff_client.get(url)) | {"slug": "soumettre"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [message]
    assert UserStory.objects.get(pk=story.pk).slug == "clinics"


def test_the_api_refuses_a_reserved_slug(staff_api):
    story = {"slug": "submit", "title_en": "Ours", "summary_en": "How", "user_type": "media", "impact": "social"}

    created = staff_api.post("/api/v1/stories/", story, format="json")
    in_french = staff_api.post("/api/v1/stories/?lang=fr", story, format="json")

    assert created.status_code == 400
    assert created.json() == {"slug": ["“submit” is the address of one of the site's pages: choose another slug."]}
    assert in_french.json() == {
        "slug": ["«\u00a0submit\u00a0» est l'adresse d'une page du site\u00a0: choisissez un autre identifiant d'URL."]
    }
    assert UserStory.objects.count() == 0
