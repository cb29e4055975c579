"""stories/0009: what earlier migrations left unfilled in existing rows. A story the
public sent before its language was recorded is marked as the public's (else, once its
sender's address is erased, it would be taken for a contributor's); a dataset's
publisher and description from before they were translated are shown again."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.utils import translation

from cogwg.permissions import FILED_STORY
from stories.models import UserStory
from tests.factories import DatasetFactory, UserStoryFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("stories.migrations.0009_earlier_submissions_and_dataset_texts")


def fill_in():
    migration.fill_in(django_apps, SimpleNamespace(connection=connection))


def test_stories_the_public_sent_get_the_language_of_their_form_and_filed_ones_none():
    french = UserStoryFactory(title_en="", title_fr="Transport", state="submitted", submitter_email="jean@example.ca")
    english = UserStoryFactory(
        title_en="Transit", title_fr="", state="rejected", submitter_name="Jane", rejection_reason="Off topic."
    )
    filed = UserStoryFactory(title_en="Ours", title_fr="Le nôtre")
    UserStory.objects.update(submitter_language="")

    fill_in()

    languages = dict(UserStory.objects.values_list("pk", "submitter_language"))
    assert languages == {french.pk: "fr", english.pk: "en", filed.pk: ""}
    # Erased afterwards, the public's stories stay the public's.
    UserStory.objects.update(submitter_email="", submitter_name="")
    assert list(UserStory.objects.filter(FILED_STORY)) == [filed]
    assert set(UserStory.history.filter(id=french.pk).values_list("submitter_language", flat=True)) == {"fr"}


def test_the_language_is_the_first_versions_though_the_story_was_translated_or_erased_since():
    translated = UserStoryFactory(title_en="", title_fr="Mon récit", state="submitted", submitter_email="a@example.ca")
    translated.title_en = "My story"  # the secretariat's translation, before publishing
    translated.save()
    erased = UserStoryFactory(
        title_en="",
        title_fr="Autobus",
        state="rejected",
        submitter_email="b@example.ca",
        rejection_reason="Hors sujet.",
    )
    erased.submitter_email = ""  # erased on request, before the language was recorded
    erased.save()
    UserStory.objects.update(submitter_language="")
    UserStory.history.update(submitter_language="")

    fill_in()

    for story in (translated, erased):
        assert set(UserStory.history.filter(id=story.pk).values_list("submitter_language", flat=True)) == {"fr"}
        assert UserStory.objects.get(pk=story.pk).submitter_language == "fr"
    assert not UserStory.objects.filter(FILED_STORY).exists()


def test_a_dataset_from_before_the_translation_shows_its_publisher_and_description_again():
    old = DatasetFactory()
    harvested = DatasetFactory(publisher_en="Statistics Canada", publisher_fr="Statistique Canada")
    with connection.cursor() as cursor:  # the columns as they were (the manager reads "publisher" as publisher_en)
        cursor.execute(
            "UPDATE stories_dataset SET publisher = %s, publisher_en = NULL, description = %s, description_en = NULL"
            " WHERE id = %s",
            ["Environment Canada", "Daily data", old.pk],
        )

    fill_in()

    with translation.override("en"):
        old.refresh_from_db()
        harvested.refresh_from_db()
        assert (old.publisher, old.description, harvested.publisher) == (
            "Environment Canada",
            "Daily data",
            "Statistics Canada",
        )
    with translation.override("fr"):
        harvested.refresh_from_db()
        assert harvested.publisher == "Statistique Canada"
