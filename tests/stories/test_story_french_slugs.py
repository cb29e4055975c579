"""A story's French slug: filled from the French title by the migration, by the admin's
form, the API and the public form when it is left empty (the one helper that makes the
English slug), one story's in either language (a field error in the admin and the API,
not a 500), editable in the admin, shown by the API, set by the demo generator."""

import html
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from rest_framework.test import APIClient

from cogwg.demo.generate import generate
from stories.choices import StoryState
from stories.models import UserStory
from stories.services import story_submit
from tests.factories import UserStoryFactory
from tests.test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
SLUG_TAKEN = {
    "en": "Another story already uses this slug, in English or in French: choose another.",
    "fr": "Un autre récit utilise déjà cet identifiant d'URL, en anglais ou en "
    f"français{NBSP}: choisissez-en un autre.",
}
RESERVED = {
    "en": "“soumettre” is the address of one of the site's pages: choose another slug.",
    "fr": f"«{NBSP}soumettre{NBSP}» est l'adresse d'une page du site{NBSP}: choisissez un autre identifiant d'URL.",
}
LANGUAGES = ["en", "fr"]


# The migration that adds the French slug fills it for the stories stored before


def fill_french_slugs():
    migration = importlib.import_module("stories.migrations.0012_userstory_slug_fr")
    migration.fill_french_slugs(apps, None)


def french_slugs():
    return dict(UserStory.objects.values_list("slug", "slug_fr"))


def test_the_migration_makes_each_french_slug_from_the_french_title_accents_folded():
    UserStoryFactory(slug="closer-clinics", title_fr="Des cliniques plus proches")
    UserStoryFactory(slug="buses", title_fr="Autobus à l\u2019heure : « données » ouvertes", state=StoryState.SUBMITTED)
    UserStoryFactory(slug="same", title_fr="Same")

    fill_french_slugs()

    assert french_slugs() == {
        "closer-clinics": "des-cliniques-plus-proches",
        "buses": "autobus-a-lheure-donnees-ouvertes",
        "same": "same",
    }


def test_the_migration_keeps_the_english_slug_where_there_is_no_french_title():
    UserStoryFactory(slug="none", title_fr=None)
    UserStoryFactory(slug="empty", title_fr="")
    UserStoryFactory(slug="punctuation", title_fr="« ? »")

    fill_french_slugs()

    assert french_slugs() == {"none": "none", "empty": "empty", "punctuation": "punctuation"}


def test_the_migration_numbers_a_french_slug_another_story_has_in_either_language():
    UserStoryFactory(slug="outreach", title_fr="Rayonnement")
    UserStoryFactory(slug="reach", title_fr="Rayonnement")
    # Its French title's slug is the first story's English slug.
    UserStoryFactory(slug="third", title_fr="Outreach")
    UserStoryFactory(slug="outreach-2", title_fr="Autre")
    UserStoryFactory(slug="fifth", title_fr="Outreach")

    fill_french_slugs()

    assert french_slugs() == {
        "outreach": "rayonnement",
        "reach": "rayonnement-2",
        "third": "outreach-3",
        "outreach-2": "autre",
        "fifth": "outreach-4",
    }


def test_the_migration_makes_no_french_slug_that_is_a_page_of_the_site():
    UserStoryFactory(slug="submitting", title_fr="Soumettre")

    fill_french_slugs()

    assert french_slugs() == {"submitting": "story-soumettre"}


def test_the_migration_keeps_a_long_french_slug_within_its_length():
    long_title = "Soutien " * 30
    first = UserStoryFactory(slug="first", title_fr=long_title)
    second = UserStoryFactory(slug="second", title_fr=long_title)

    fill_french_slugs()

    first.refresh_from_db()
    second.refresh_from_db()
    assert len(first.slug_fr) <= 100 and not first.slug_fr.endswith("-")
    assert first.slug_fr.startswith("soutien-soutien")
    assert second.slug_fr == f"{first.slug_fr}-2"


def test_what_the_migration_fills_passes_the_models_checks():
    UserStoryFactory(slug="outreach", title_fr="Rayonnement")
    UserStoryFactory(slug="rayonnement", title_fr="Outreach")

    fill_french_slugs()

    for story in UserStory.objects.all():
        story.full_clean()


# One story per slug, in either language


@pytest.fixture
def story():
    return UserStoryFactory(slug="outreach", slug_fr="rayonnement")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("slugs", "field"),
    [
        ({"slug": "other", "slug_fr": "rayonnement"}, "slug_fr"),
        ({"slug": "rayonnement", "slug_fr": "autre"}, "slug"),
        ({"slug": "other", "slug_fr": "outreach"}, "slug_fr"),
    ],
    ids=["french in french", "english in french", "french in english"],
)
def test_a_slug_another_story_has_is_refused_on_its_field(story, slugs, field, language):
    other = UserStoryFactory.build(**slugs)

    with translation.override(language):
        with pytest.raises(ValidationError) as raised:
            other.full_clean()

        assert raised.value.message_dict == {field: [SLUG_TAKEN[language]]}


def test_a_story_may_have_one_slug_in_both_languages_and_keeps_its_own(story):
    UserStoryFactory.build(slug="same", slug_fr="same").full_clean()
    story.title_en = "Renamed"
    story.full_clean()


def test_stories_without_a_french_slug_are_many():
    UserStoryFactory(slug="first", slug_fr="")
    second = UserStoryFactory.build(slug="second", slug_fr="")

    second.full_clean()
    second.save()

    assert UserStory.objects.filter(slug_fr="").count() == 2


def test_the_database_refuses_a_french_slug_twice(story):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserStoryFactory(slug="other", slug_fr="rayonnement")

    assert UserStory.objects.count() == 1


def test_a_french_slug_that_is_a_page_of_the_site_is_refused():
    with pytest.raises(ValidationError) as raised:
        UserStoryFactory.build(slug="submitting", slug_fr="soumettre").full_clean()

    assert raised.value.message_dict == {"slug_fr": [RESERVED["en"]]}


def test_the_page_slug_is_the_languages_own_else_the_slug(story):
    without = UserStoryFactory(slug="plain", slug_fr="")

    assert (story.slug_in("en"), story.slug_in("fr")) == ("outreach", "rayonnement")
    assert (without.slug_in("en"), without.slug_in("fr")) == ("plain", "plain")
    with translation.override("fr"):
        assert story.page_slug == "rayonnement"
    with translation.override("en"):
        assert story.page_slug == "outreach"


# The admin


def add_form_post(client, language="en", **fields):
    with translation.override(language):
        url = admin_url(UserStory, "add")
    data = form_data(client.get(url)) | {"user_type": "researcher", "impact": "social", "slug": "", "slug_fr": ""}
    return client.post(url, data | fields)


def test_the_admin_edits_both_slugs_each_made_from_its_own_title(staff_client):
    response = staff_client.get(admin_url(UserStory, "add"))

    prepopulated = {
        item["field"].name: [dependency.name for dependency in item["dependencies"]]
        for item in response.context["adminform"].prepopulated_fields
    }
    assert prepopulated == {"slug": ["title_en"], "slug_fr": ["title_fr"]}


def test_a_french_slug_left_empty_is_made_from_the_french_title(staff_client):
    response = add_form_post(
        staff_client,
        title_en="Closer clinics",
        summary_en="A map.",
        title_fr="Des cliniques plus proches",
        summary_fr="Une carte.",
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert french_slugs() == {"closer-clinics": "des-cliniques-plus-proches"}


def test_a_story_without_a_french_title_keeps_its_french_slug_empty(staff_client):
    response = add_form_post(staff_client, title_en="Closer clinics", summary_en="A map.")

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert french_slugs() == {"closer-clinics": ""}


def test_each_slug_made_is_free_in_either_language(staff_client):
    # The new story's titles give slugs that another story has: its English slug as a French
    # one, its French slug as an English one.
    UserStoryFactory(slug="des-cliniques", slug_fr="closer-clinics")

    response = add_form_post(
        staff_client, title_en="Closer clinics", summary_en="A map.", title_fr="Des cliniques", summary_fr="Une carte."
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    made = UserStory.objects.exclude(slug="des-cliniques").get()
    assert made.slug.startswith("closer-clinics-") and made.slug_fr.startswith("des-cliniques-")
    made.full_clean()


def test_a_french_slug_typed_is_kept(staff_client):
    response = add_form_post(staff_client, slug_fr="cliniques", title_fr="Des cliniques", summary_fr="Une carte.")

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert french_slugs() == {"des-cliniques": "cliniques"}


def test_a_french_slug_emptied_in_the_change_form_is_made_again_from_the_french_title(staff_client):
    story = UserStoryFactory(slug="old", slug_fr="ancien", title_fr="Autobus à l'heure")
    url = admin_url(UserStory, "change", story.pk)

    response = staff_client.post(url, form_data(staff_client.get(url)) | {"slug_fr": ""})

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert french_slugs() == {"old": "autobus-a-lheure"}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("taken", ["rayonnement", "outreach"])
def test_the_admin_refuses_a_taken_french_slug_on_its_field_and_changes_nothing(staff_client, story, language, taken):
    second = UserStoryFactory(slug="second", slug_fr="deuxieme", title_en="Second")
    with translation.override(language):
        url = admin_url(UserStory, "change", second.pk)
    data = form_data(staff_client.get(url)) | {"slug_fr": taken, "title_en": "Changed"}

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"slug_fr": [SLUG_TAKEN[language]]}
    assert SLUG_TAKEN[language] in html.unescape(response.content.decode())
    second.refresh_from_db()
    assert (second.slug_fr, second.title_en) == ("deuxieme", "Second")


def test_the_admin_refuses_an_english_slug_that_is_another_storys_french_slug(staff_client, story):
    second = UserStoryFactory(slug="second", slug_fr="deuxieme")
    url = admin_url(UserStory, "change", second.pk)

    response = staff_client.post(url, form_data(staff_client.get(url)) | {"slug": "rayonnement"})

    assert response.context["adminform"].form.errors == {"slug": [SLUG_TAKEN["en"]]}
    second.refresh_from_db()
    assert second.slug == "second"


def test_the_admin_finds_a_story_by_its_french_slug(staff_client, story):
    UserStoryFactory(slug="second", slug_fr="deuxieme")

    response = staff_client.get(admin_url(UserStory, "changelist"), {"q": "deuxieme"})

    assert [found.slug for found in response.context["cl"].result_list] == ["second"]


# The API


def test_the_api_gives_both_slugs(story):
    api = APIClient()
    english = api.get(f"/api/v1/stories/{story.pk}/").json()
    french = api.get(f"/api/v1/stories/{story.pk}/?lang=fr").json()

    assert (english["slug"], english["slug_fr"]) == ("outreach", "rayonnement")
    assert (french["slug"], french["slug_fr"]) == ("outreach", "rayonnement")


NEW_STORY = {"slug": "ours", "title_en": "Ours", "summary_en": "How", "user_type": "media", "impact": "social"}


@pytest.mark.parametrize(
    ("sent", "made"),
    [
        ({}, ""),
        ({"title_fr": "Les nôtres", "summary_fr": "Comment"}, "les-notres"),
        ({"title_fr": "Les nôtres", "summary_fr": "Comment", "slug_fr": ""}, "les-notres"),
        ({"title_fr": "Les nôtres", "summary_fr": "Comment", "slug_fr": "notres"}, "notres"),
    ],
    ids=["no French title", "made", "sent empty", "sent"],
)
def test_the_api_creates_a_story_with_its_french_slug(staff_api, sent, made):
    response = staff_api.post("/api/v1/stories/", NEW_STORY | sent, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["slug_fr"] == made
    assert UserStory.objects.get().slug_fr == made


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("changes", "field"),
    [({"slug_fr": "rayonnement"}, "slug_fr"), ({"slug_fr": "outreach"}, "slug_fr"), ({"slug": "rayonnement"}, "slug")],
)
def test_the_api_refuses_a_taken_slug_on_its_field_and_changes_nothing(staff_api, story, changes, field, language):
    second = UserStoryFactory(slug="second", slug_fr="deuxieme")

    response = staff_api.patch(f"/api/v1/stories/{second.pk}/?lang={language}", changes, format="json")

    assert response.status_code == 400
    assert response.json() == {field: [SLUG_TAKEN[language]]}
    second.refresh_from_db()
    assert (second.slug, second.slug_fr) == ("second", "deuxieme")


def test_the_api_makes_a_french_slug_sent_empty_again_and_leaves_one_not_sent(staff_api, story):
    untouched = staff_api.patch(f"/api/v1/stories/{story.pk}/", {"title_fr": "Autre titre"}, format="json")
    remade = staff_api.patch(f"/api/v1/stories/{story.pk}/", {"slug_fr": ""}, format="json")

    assert untouched.json()["slug_fr"] == "rayonnement"
    assert remade.json()["slug_fr"] == "autre-titre"


# The public form


def submitted(language, title):
    return story_submit(title=title, summary="Un résumé.", language=language, user_type="business", impact="economic")


def test_a_story_sent_in_french_has_its_french_slug_from_its_title():
    story = submitted("fr", "Des cliniques plus proches")

    assert (story.slug, story.slug_fr) == ("des-cliniques-plus-proches", "des-cliniques-plus-proches")


def test_a_story_sent_in_english_has_no_french_slug_until_it_is_translated():
    story = submitted("en", "Closer clinics")

    assert (story.slug, story.slug_fr) == ("closer-clinics", "")


def test_a_story_sent_takes_no_slug_another_story_has_in_french():
    UserStoryFactory(slug="autre", slug_fr="des-cliniques")

    story = submitted("fr", "Des cliniques")

    assert story.slug.startswith("des-cliniques-") and story.slug_fr == story.slug
    story.full_clean()


# The demo generator (the 2020 demo data has no stories)


def test_generated_stories_have_french_slugs_of_their_own():
    generate(scale=1)

    slugs = list(UserStory.objects.filter(slug__startswith="gen-001-").values_list("slug", "slug_fr"))
    assert slugs and all(slug_fr == f"recit-{slug}" for slug, slug_fr in slugs)
