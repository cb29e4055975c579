"""A field its writer may not set is refused with a 400 on that field, in the reader's
language, rather than dropped with a 2xx: a story's publication date sent by a contributor
(the admin shows it read-only to them), a dataset's harvested metadata (the admin shows it
read-only, and the next harvest would replace it). Sent unchanged (a PUT of what was read),
it passes."""

import datetime

import pytest

from stories.models import Dataset, UserStory
from tests.factories import DatasetFactory
from tests.permissions import conftest as rights
from tests.permissions.conftest import api_client

# The rights tests' small world (ON, BC, …) and their signed-in roles, as fixtures here.
roles, world = rights.roles, rights.world

FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}
PUBLISHED_ON_REFUSED = (
    "La date de publication d'un récit d'utilisateur est fixée par le secrétariat, qui le publie (POST "
    "…/stories/{id}/publish/ avec `published_on`), et non par une écriture du récit."
)
HARVESTED = (
    "Moissonné à partir du portail du jeu de données, non écrit par l'API\u00a0: le prochain moissonnage le "
    "remplacerait."
)


# A story's publication date


def test_a_contributors_publication_date_is_a_400_and_nothing_is_written(world):
    story = world.story
    on = api_client(world.users.contributor_on)

    response = on.patch(
        f"/api/v1/stories/{story.pk}/", {"title_en": "Changed", "published_on": "2020-01-01"}, format="json", **FR
    )

    assert response.status_code == 400
    assert response.json() == {"published_on": [PUBLISHED_ON_REFUSED]}
    stored = UserStory.objects.get(pk=story.pk)
    assert (stored.title_en, stored.published_on) == ("Ontario story", None)


def test_a_contributor_files_no_story_with_a_publication_date(world):
    body = {
        "title_en": "Bus data",
        "slug": "bus-data",
        "summary_en": "A bus app",
        "story_en": "It helps",
        "jurisdiction": "ON",
        "user_type": "business",
        "impact": "economic",
        "published_on": "2020-01-01",
    }

    response = api_client(world.users.contributor_on).post("/api/v1/stories/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["published_on"]
    assert not UserStory.objects.filter(title_en="Bus data").exists()
    body.pop("published_on")
    assert api_client(world.users.contributor_on).post("/api/v1/stories/", body, format="json").status_code == 201


def test_the_date_sent_back_unchanged_passes(world):
    story = world.story
    on = api_client(world.users.contributor_on)

    response = on.patch(f"/api/v1/stories/{story.pk}/", {"title_en": "Changed", "published_on": None}, format="json")

    assert response.status_code == 200, response.content
    assert UserStory.objects.get(pk=story.pk).title_en == "Changed"


def test_the_secretariat_sets_the_publication_date(world):
    story = world.story

    response = api_client(world.users.secretariat).patch(
        f"/api/v1/stories/{story.pk}/", {"published_on": "2020-01-01"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert UserStory.objects.get(pk=story.pk).published_on == datetime.date(2020, 1, 1)


# A dataset's harvested metadata


@pytest.mark.parametrize(
    "field",
    ["description_en", "description_fr", "publisher_en", "publisher_fr", "license_title", "harvest_error_code"],
)
def test_harvested_text_sent_is_a_400_and_nothing_is_written(world, field):
    dataset = world.dataset

    response = api_client(world.users.secretariat).patch(
        f"/api/v1/datasets/{dataset.pk}/", {"title_en": "Typed", field: "Typed by hand"}, format="json", **FR
    )

    assert response.status_code == 400
    assert response.json() == {field: [HARVESTED]}
    stored = Dataset.objects.get(pk=dataset.pk)
    assert (stored.title_en, stored.description_en, stored.publisher_en) == ("Budget", None, None)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("formats", ["CSV"]),
        ("metadata", {"notes": "x"}),
        ("metadata_modified", "2020-01-01T00:00:00Z"),
        ("last_harvested", "2020-01-01T00:00:00Z"),
        ("last_harvest_attempt", "2020-01-01T00:00:00Z"),
    ],
)
def test_harvested_metadata_sent_is_a_400_on_creation_too(world, field, value):
    body = {"portal_url": "https://open.canada.ca/data", "ckan_id": "new", "title_en": "New", field: value}

    response = api_client(world.users.secretariat).post("/api/v1/datasets/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Dataset.objects.filter(ckan_id="new").exists()


def test_a_put_of_what_was_read_passes(world):
    dataset = DatasetFactory(
        description_en="From the portal",
        publisher_en="Statistics Canada",
        formats=["CSV"],
        metadata={"notes": "x"},
        metadata_modified=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
    )
    sec = api_client(world.users.secretariat)
    path = f"/api/v1/datasets/{dataset.pk}/"
    read = sec.get(path).json()

    response = sec.put(path, {**read, "title_en": "Renamed"}, format="json")

    assert response.status_code == 200, response.content
    stored = Dataset.objects.get(pk=dataset.pk)
    assert (stored.title_en, stored.description_en, stored.formats) == ("Renamed", "From the portal", ["CSV"])
