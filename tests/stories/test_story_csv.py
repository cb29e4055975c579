"""The API's CSV of stories gives each story's themes and datasets as its JSON does, key by
key (``themes.slug``, ``datasets.id``…), not as one cell of titles: a reader joins a
story's datasets to the datasets' own CSV by id, and its themes to ``?theme=`` by slug."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import DatasetFactory, ThemeFactory, UserStoryFactory

pytestmark = pytest.mark.django_db

THEME_COLUMNS = ["themes.slug", "themes.name"]
DATASET_COLUMNS = ["datasets.url", "datasets.id", "datasets.title", "datasets.portal_url", "datasets.ckan_id"]


def table(response):
    assert response.status_code == 200, response.content
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    return [dict(zip(header, row, strict=True)) for row in rows], header


@pytest.fixture
def api(db):
    return APIClient()


@pytest.fixture
def story(db):
    story = UserStoryFactory(slug="flood-maps")
    story.themes.set(
        [
            ThemeFactory(slug="environment", name_en="Environment", name_fr="Environnement"),
            ThemeFactory(slug="health", name_en="Health", name_fr="Santé"),
        ]
    )
    story.datasets.set(
        [
            DatasetFactory(title_en="Water levels; flows", title_fr="Niveaux et débits", ckan_id="water"),
            DatasetFactory(title_en="Elevation", title_fr="Altitude", ckan_id="elevation"),
        ]
    )
    return story


def test_the_csv_gives_themes_and_datasets_key_by_key_as_the_json_does(api, story):
    json_story = api.get("/api/v1/stories/").json()["results"][0]

    rows, header = table(api.get("/api/v1/stories/", {"format": "csv"}))

    assert "themes" not in header and "datasets" not in header
    start = header.index("themes.slug")
    assert header[start : start + 7] == THEME_COLUMNS + DATASET_COLUMNS
    (row,) = rows
    for column in THEME_COLUMNS + DATASET_COLUMNS:
        relation, key = column.split(".")
        assert row[column] == "; ".join(str(item[key]) for item in json_story[relation])
    assert row["themes.slug"] == "environment; health"
    assert row["datasets.id"] == "; ".join(str(dataset.pk) for dataset in story.datasets.order_by("title_en"))


def test_a_story_s_dataset_ids_join_the_datasets_csv(api, story):
    (row,), _header = table(api.get("/api/v1/stories/", {"format": "csv"}))
    datasets, _header = table(api.get("/api/v1/datasets/", {"format": "csv"}))

    titles = {dataset["id"]: dataset["title"] for dataset in datasets}
    assert [titles[key] for key in row["datasets.id"].split("; ")] == ["Elevation", "Water levels; flows"]


def test_the_columns_are_the_same_in_french_for_one_story_and_for_none(api, story):
    french, french_header = table(api.get("/api/v1/stories/", {"format": "csv", "lang": "fr"}))
    (one,), one_header = table(api.get(f"/api/v1/stories/{story.pk}/", {"format": "csv"}))
    none, none_header = table(api.get("/api/v1/stories/", {"format": "csv", "q": "no such story"}))
    english, english_header = table(api.get("/api/v1/stories/", {"format": "csv"}))

    assert french_header == one_header == none_header == english_header
    assert none == []
    assert french[0]["themes.slug"] == english[0]["themes.slug"] == one["themes.slug"] == "environment; health"
    assert french[0]["themes.name"] == "Environnement; Santé"
    assert french[0]["datasets.id"] == english[0]["datasets.id"] == one["datasets.id"]


def test_a_story_without_themes_or_datasets_has_empty_cells(api, db):
    UserStoryFactory()

    (row,), _header = table(api.get("/api/v1/stories/", {"format": "csv"}))

    assert [row[column] for column in THEME_COLUMNS + DATASET_COLUMNS] == [""] * 7


def test_the_json_answer_is_unchanged(api, story):
    json_story = api.get("/api/v1/stories/").json()["results"][0]

    assert json_story["themes"] == [
        {"slug": "environment", "name": "Environment"},
        {"slug": "health", "name": "Health"},
    ]
    assert [dataset["ckan_id"] for dataset in json_story["datasets"]] == ["elevation", "water"]


def test_a_write_answered_in_csv_still_takes_themes_and_datasets(staff_api, story):
    dataset = DatasetFactory(title_en="Roads")
    response = staff_api.post(
        "/api/v1/stories/?format=csv",
        {
            "title_en": "Safer roads",
            "summary_en": "Road data.",
            "slug": "safer-roads",
            "user_type": "government",
            "impact": "social",
            "themes": ["health"],
            "datasets": [dataset.pk],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    created = type(story).objects.get(slug="safer-roads")
    assert list(created.themes.values_list("slug", flat=True)) == ["health"]
    assert list(created.datasets.all()) == [dataset]


def test_the_csv_runs_the_same_queries_for_many_stories(api, story):
    def count():
        with CaptureQueriesContext(connection) as queries:
            table(api.get("/api/v1/stories/", {"format": "csv", "lang": "fr"}))
        return len(queries)

    few = count()
    for index in range(20):
        UserStoryFactory(slug=f"more-{index}").datasets.set([DatasetFactory(), DatasetFactory()])

    assert count() == few


def test_the_openapi_description_names_the_csv_columns(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()

    description = schema["paths"]["/api/v1/stories/"]["get"]["description"]
    assert "`themes.slug`" in description and "`datasets.id`" in description
