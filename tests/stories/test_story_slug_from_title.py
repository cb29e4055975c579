"""A story's slug, left empty in the admin, is made from its title: the English one, else
the French one (a story under review may be written in French only, and the page's script
fills the slug from the English title only). It is unique, as the model requires: a slug
another story has gets a suffix. One the secretariat types is kept."""

import pytest
from django.utils import translation

from stories.choices import StoryState
from stories.models import UserStory
from tests.factories import UserStoryFactory
from tests.test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db


def add_form_post(client, language="en", **fields):
    with translation.override(language):
        url = admin_url(UserStory, "add")
    data = form_data(client.get(url)) | {"user_type": "researcher", "impact": "social", "slug": ""} | fields
    return client.post(url, data)


FRENCH_ONLY = {"title_fr": "Des cliniques plus proches", "summary_fr": "Une carte des cliniques."}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_french_only_story_gets_its_slug_from_its_french_title(staff_client, language):
    response = add_form_post(staff_client, language, **FRENCH_ONLY)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert UserStory.objects.get().slug == "des-cliniques-plus-proches"


def test_the_slug_made_from_the_french_title_is_unique(staff_client):
    taken = UserStoryFactory(slug="des-cliniques-plus-proches")

    response = add_form_post(staff_client, **FRENCH_ONLY)

    assert response.status_code == 302, response.context["adminform"].form.errors
    story = UserStory.objects.exclude(pk=taken.pk).get()
    assert story.slug.startswith("des-cliniques-plus-proches-")
    assert story.slug != taken.slug
    assert UserStory.objects.filter(slug=story.slug).count() == 1


def test_the_english_title_comes_first(staff_client):
    response = add_form_post(staff_client, title_en="Closer clinics", summary_en="A map.", **FRENCH_ONLY)

    assert response.status_code == 302
    assert UserStory.objects.get().slug == "closer-clinics"


def test_a_slug_that_is_a_page_of_the_site_is_not_made(staff_client):
    response = add_form_post(staff_client, title_fr="Soumettre", summary_fr="Un récit.")

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert UserStory.objects.get().slug == "story-soumettre"


def test_a_slug_typed_is_kept(staff_client):
    response = add_form_post(staff_client, slug="cliniques", **FRENCH_ONLY)

    assert response.status_code == 302
    assert UserStory.objects.get().slug == "cliniques"


def test_a_slug_emptied_in_the_change_form_is_made_again_from_the_title(staff_client):
    story = UserStoryFactory(
        slug="old",
        title_en="",
        summary_en="",
        title_fr="Autobus à l'heure",
        state=StoryState.IN_REVIEW,
        published_on=None,
    )
    url = admin_url(UserStory, "change", story.pk)

    response = staff_client.post(url, form_data(staff_client.get(url)) | {"slug": ""})

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert UserStory.objects.get(pk=story.pk).slug == "autobus-a-lheure"


def test_a_story_without_any_title_is_refused_and_nothing_is_saved(staff_client):
    response = add_form_post(staff_client, summary_fr="Une carte des cliniques.")

    assert response.status_code == 200
    assert {"title_en", "title_fr"} <= set(response.context["adminform"].form.errors)
    assert not UserStory.objects.exists()
