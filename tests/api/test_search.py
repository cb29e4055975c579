"""Search ignores accents and case, in the API and on the pages, on SQLite and PostgreSQL
alike (the suite runs on both in CI)."""

import pytest

from cogwg.search import strip_accents
from tests import factories


@pytest.mark.parametrize(
    ("text", "stripped"),
    [
        ("Québec", "Quebec"),
        ("ÉCOLE", "ECOLE"),
        ("cœur Æ", "coeur AE"),
        ("Île-du-Prince-Édouard", "Ile-du-Prince-Edouard"),
        ("naïve façade", "naive facade"),
        ("", ""),
        (None, None),
    ],
)
def test_accents_are_stripped_as_postgresql_does(text, stripped):
    assert strip_accents(text) == stripped


@pytest.fixture
def stories(db):
    school = factories.UserStoryFactory(
        title_en="School performance", title_fr="Résultats des écoles", slug="schools", summary_fr="Données"
    )
    factories.UserStoryFactory(title_en="Budget", title_fr="Budget", slug="budget", summary_fr="Dépenses")
    return school


@pytest.mark.parametrize("typed", ["écoles", "ecoles", "ÉCOLES", "Ecoles", "ÉcOlEs", "resultats des"])
def test_the_api_finds_a_story_whatever_the_accents_and_the_case(api, stories, typed):
    found = api.get("/api/v1/stories/", {"q": typed}).json()["results"]

    assert [story["id"] for story in found] == [stories.pk]


@pytest.mark.parametrize("typed", ["ecoles", "ÉCOLES"])
def test_the_french_page_finds_a_story_whatever_the_accents(client, stories, typed):
    page = client.get("/fr/recits-utilisateurs/", {"q": typed})

    assert page.status_code == 200
    html = page.content.decode()
    assert "Résultats des écoles" in html
    assert ">Budget<" not in html


def test_a_search_still_reads_percent_and_underscore_as_text(api, stories):
    factories.UserStoryFactory(title_en="100% open", title_fr="100 % ouvert", slug="open")

    assert [story["slug"] for story in api.get("/api/v1/stories/", {"q": "100%"}).json()["results"]] == ["open"]
    assert api.get("/api/v1/stories/", {"q": "_"}).json()["results"] == []
