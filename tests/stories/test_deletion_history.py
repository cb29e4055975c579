"""Deleting a theme or a dataset, in the admin or through the API, takes it off the
stories that used it with a row in each story's history (who, and why, shown in the
reader's language), all in one transaction: the database's cascade would take the links
away without a word in the stories' history. A jurisdiction that a challenge lists is not
deleted: the page says which challenges list it."""

import datetime

import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import translation

from jurisdictions.models import Challenge, Jurisdiction
from jurisdictions.services import jurisdictions_delete
from stories.models import Dataset, Theme
from stories.services import themes_delete
from tests.factories import ChallengeFactory, DatasetFactory, JurisdictionFactory, ThemeFactory, UserStoryFactory
from tests.test_admin import admin_url

pytestmark = pytest.mark.django_db


def latest_themes(story):
    return list(story.history.first().themes.values_list("theme_id", flat=True))


def latest_datasets(story):
    return list(story.history.first().datasets.values_list("dataset_id", flat=True))


def french(name, *args):
    with translation.override("fr"):
        return reverse(name, args=args)


# Themes and datasets


def test_deleting_a_theme_in_the_admin_records_it_in_the_stories_history(staff_client, staff):
    transit, health = ThemeFactory(slug="transit"), ThemeFactory(slug="health")
    story = UserStoryFactory(published_on=datetime.date(2020, 6, 15))
    story.themes.set([transit, health])
    other = UserStoryFactory()
    other.themes.set([health])
    before = story.history.first()
    other_versions = other.history.count()

    response = staff_client.post(admin_url(Theme, "delete", transit.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Theme.objects.filter(slug="transit").exists()
    story.refresh_from_db()
    assert list(story.themes.all()) == [health]
    latest = story.history.first()
    assert latest.history_id != before.history_id
    assert (latest.history_user, latest.history_change_reason) == (staff, "Theme deleted")
    assert latest_themes(story) == [health.pk]
    assert story.modified_at > before.modified_at
    # A story that did not use it is left as it was.
    assert other.history.count() == other_versions


def test_the_stories_history_page_gives_the_reason_in_the_readers_language(staff_client):
    transit = ThemeFactory(slug="transit")
    story = UserStoryFactory()
    story.themes.set([transit])
    staff_client.post(admin_url(Theme, "delete", transit.pk), {"post": "yes"})

    history = staff_client.get(french("admin:stories_userstory_history", story.pk))

    assert history.status_code == 200
    assert "Thème supprimé" in history.content.decode()


def test_deleting_selected_themes_records_each_story_once(staff_client, staff):
    transit, health = ThemeFactory(slug="transit"), ThemeFactory(slug="health")
    story = UserStoryFactory()
    story.themes.set([transit, health])
    versions = story.history.count()

    response = staff_client.post(
        admin_url(Theme, "changelist"),
        {"action": "delete_selected", "_selected_action": [transit.pk, health.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Theme.objects.exists()
    assert story.history.count() == versions + 1
    assert (story.history.first().history_user, latest_themes(story)) == (staff, [])


def test_deleting_a_dataset_in_the_admin_records_it_in_the_stories_history(staff_client, staff):
    dataset = DatasetFactory()
    story = UserStoryFactory()
    story.datasets.set([dataset])

    response = staff_client.post(admin_url(Dataset, "delete", dataset.pk), {"post": "yes"})

    assert response.status_code == 302
    assert list(story.datasets.all()) == []
    latest = story.history.first()
    assert (latest.history_user, latest.history_change_reason) == (staff, "Dataset deleted")
    assert latest_datasets(story) == []


def test_deleting_a_dataset_through_the_api_records_it_in_the_stories_history(staff_api, staff):
    dataset, kept = DatasetFactory(), DatasetFactory()
    story = UserStoryFactory()
    story.datasets.set([dataset, kept])

    response = staff_api.delete(f"/api/v1/datasets/{dataset.pk}/")

    assert response.status_code == 204
    assert not Dataset.objects.filter(pk=dataset.pk).exists()
    latest = story.history.first()
    assert (latest.history_user, latest.history_change_reason) == (staff, "Dataset deleted")
    assert latest_datasets(story) == [kept.pk]


def test_a_deletion_that_fails_leaves_the_stories_and_their_history_as_they_were(monkeypatch, staff):
    transit = ThemeFactory(slug="transit")
    story = UserStoryFactory()
    story.themes.set([transit])
    versions = story.history.count()

    def refuse(self, *args, **kwargs):
        raise ProtectedError("kept", set())

    monkeypatch.setattr(Theme, "delete", refuse)
    with pytest.raises(ProtectedError):
        themes_delete(queryset=Theme.objects.all(), by=staff)

    assert list(story.themes.all()) == [transit]
    assert story.history.count() == versions


# Jurisdictions listed by challenges


def test_a_jurisdiction_a_challenge_lists_is_not_deleted_and_the_page_says_why(staff_client):
    on = JurisdictionFactory(code="ON")
    challenge = ChallengeFactory(title_en="Lack of resources", title_fr="Manque de ressources")
    challenge.jurisdictions.set([on])
    versions = challenge.history.count()

    page = staff_client.get(french("admin:jurisdictions_jurisdiction_delete", on.pk))
    posted = staff_client.post(admin_url(Jurisdiction, "delete", on.pk), {"post": "yes"})

    assert page.status_code == 200
    link = french("admin:jurisdictions_challenge_change", challenge.pk)
    assert f'<li>Défi\u00a0: <a href="{link}">Manque de ressources</a></li>' in page.content.decode()
    assert posted.status_code == 200
    assert list(challenge.jurisdictions.all()) == [on]
    assert challenge.history.count() == versions


def test_deleting_selected_jurisdictions_refuses_those_a_challenge_lists(staff_client):
    on, unused = JurisdictionFactory(code="ON"), JurisdictionFactory(code="XX")
    ChallengeFactory().jurisdictions.set([on])

    response = staff_client.post(
        admin_url(Jurisdiction, "changelist"),
        {"action": "delete_selected", "_selected_action": [on.pk, unused.pk], "post": "yes"},
    )

    assert response.status_code == 200
    assert set(Jurisdiction.objects.values_list("code", flat=True)) == {"ON", "XX"}


def test_a_jurisdiction_no_challenge_lists_is_deleted_with_its_history_row(staff_client, staff):
    unused = JurisdictionFactory(code="XX")

    response = staff_client.post(admin_url(Jurisdiction, "delete", unused.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Jurisdiction.objects.filter(code="XX").exists()
    deletion = Jurisdiction.history.filter(code="XX").first()
    assert (deletion.history_type, deletion.history_user) == ("-", staff)


def test_the_service_refuses_to_delete_a_jurisdiction_a_challenge_lists(staff):
    on = JurisdictionFactory(code="ON")
    challenge = ChallengeFactory()
    challenge.jurisdictions.set([on])

    with pytest.raises(ProtectedError) as refusal:
        jurisdictions_delete(queryset=Jurisdiction.objects.all(), by=staff)

    assert refusal.value.protected_objects == {challenge}
    assert list(Challenge.objects.get(pk=challenge.pk).jurisdictions.all()) == [on]


def test_the_delete_page_of_a_jurisdiction_records_name_counts_them_in_the_same_queries(staff_client):
    """Records that keep a jurisdiction from being deleted are counted, not each named
    (a jurisdiction may hold thousands of progress updates)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import AccomplishmentFactory

    on = JurisdictionFactory(code="ON")
    AccomplishmentFactory.create_batch(2, jurisdiction=on)
    address = french("admin:jurisdictions_jurisdiction_delete", on.pk)
    staff_client.get(address)
    with CaptureQueriesContext(connection) as two:
        page = staff_client.get(address)
    AccomplishmentFactory.create_batch(28, jurisdiction=on)
    with CaptureQueriesContext(connection) as thirty:
        more = staff_client.get(address)

    assert len(thirty) == len(two)
    assert "<li>Réalisations\u00a0: 2</li>" in page.content.decode()
    assert "<li>Réalisations\u00a0: 30</li>" in more.content.decode()
    assert staff_client.post(admin_url(Jurisdiction, "delete", on.pk), {"post": "yes"}).status_code == 200
    assert Jurisdiction.objects.filter(pk=on.pk).exists()
