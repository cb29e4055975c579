"""``q`` finds the records that hold every word typed, each in any searched field (the
API and the pages alike, through cogwg.filtersets.SearchFilterSet); typographic
apostrophes, quotation marks and dashes are searched as their plain forms, on SQLite as on
PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from cogwg.filtersets import SearchFilterSet
from cogwg.search import strip_accents
from stories.filtersets import UserStoryFilterSet
from stories.models import UserStory
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(db):
    return APIClient()


def found(api, path, q):
    response = api.get(path, {"q": q, "page_size": 100})
    assert response.status_code == 200
    return sorted(record["id"] for record in response.json()["results"])


def french_page(name):
    with translation.override("fr"):
        return reverse(name)


@pytest.fixture
def flood(db):
    story = factories.UserStoryFactory(
        slug="flood",
        title_en="Researchers map flood risk",
        title_fr="Des chercheurs cartographient les risques d'inondation",
        summary_en="A university team combined open water data.",
    )
    factories.UserStoryFactory(slug="budget", title_en="Budget researchers", title_fr="Budget")
    return story


@pytest.mark.parametrize(
    "typed",
    ["researchers flood", "flood researchers", "  RESEARCHERS   risk ", "researchers university", "cartographient"],
)
def test_every_word_is_searched_on_its_own_in_any_field(api, flood, typed):
    assert found(api, "/api/v1/stories/", typed) == [flood.pk]


@pytest.mark.parametrize("typed", ["researchers drought", "budget flood"])
def test_a_record_that_misses_one_word_is_not_found(api, flood, typed):
    assert found(api, "/api/v1/stories/", typed) == []


def test_the_public_list_page_searches_the_words_too(client, flood):
    page = client.get("/en/user-stories/", {"q": "researchers flood"})

    assert page.status_code == 200
    html = page.content.decode()
    assert "Researchers map flood risk" in html
    assert "Budget researchers" not in html


def test_a_story_is_found_by_its_themes_and_its_datasets_in_either_language(api, flood):
    flood.themes.add(factories.ThemeFactory(slug="environment", name_en="Environment", name_fr="Environnement"))
    flood.datasets.add(
        factories.DatasetFactory(title_en="Water levels and flows", title_fr="Niveaux et débits d'eau"),
        factories.DatasetFactory(title_en="Water quality", title_fr="Qualité de l'eau"),
    )
    other = factories.UserStoryFactory(slug="other", title_en="Other", title_fr="Autre")
    other.themes.add(factories.ThemeFactory(slug="health", name_en="Health", name_fr="Santé"))

    assert found(api, "/api/v1/stories/", "environnement") == [flood.pk]
    assert found(api, "/api/v1/stories/", "debits researchers") == [flood.pk]
    # Two datasets match: the story is listed once.
    assert found(api, "/api/v1/stories/", "water") == [flood.pk]
    assert found(api, "/api/v1/stories/", "sante") == [other.pk]
    assert found(api, "/api/v1/stories/", "sante water") == []


def test_an_unpublished_story_is_not_found_through_its_theme(api, flood):
    draft = factories.UserStoryFactory(slug="draft", state="submitted", published_on=None)
    draft.themes.add(factories.ThemeFactory(slug="environment", name_en="Environment"))

    assert found(api, "/api/v1/stories/", "environment") == []


def test_only_the_first_words_of_a_long_query_count(api, flood):
    filler = ["flood"] * (SearchFilterSet.MAX_SEARCH_WORDS - 1)

    assert found(api, "/api/v1/stories/", " ".join([*filler, "researchers", "nowhere"])) == [flood.pk]
    assert found(api, "/api/v1/stories/", " ".join([*filler, "nowhere", "researchers"])) == []


def test_a_long_query_runs_as_many_queries_as_a_short_one(api, client, flood):
    many_words = " ".join(["flood", "risk"] * 250)

    for path in ("/api/v1/stories/", "/en/user-stories/", "/api/v1/accomplishments/", "/api/v1/datasets/"):
        counts = []
        for q in ("warm-up", "flood", many_words):
            with CaptureQueriesContext(connection) as queries:
                response = (api if path.startswith("/api/") else client).get(path, {"q": q})
            assert response.status_code == 200, path
            counts.append(len(queries))
        assert counts[1] == counts[2], path


def test_the_words_searched_are_capped_in_the_sql_too():
    filterset = UserStoryFilterSet({"q": " ".join(f"word{n}" for n in range(500))}, UserStory.objects.all())

    sql = str(filterset.qs.query)

    assert "WORD9" in sql.upper()
    assert "WORD10" not in sql.upper()


# Typographic punctuation


@pytest.mark.parametrize(
    ("text", "spelled"),
    [
        ("l\u2019école", "l'ecole"),
        ("l\u2018école", "l'ecole"),
        ("\u201copen\u201d data", '"open" data'),
        ("« données »", "<< donnees >>"),
        ("Île\u2013du\u2013Prince\u2014Édouard", "Ile-du-Prince-Edouard"),
        ("Łódź Ørsted", "Lodz Orsted"),
    ],
)
def test_typographic_punctuation_is_spelled_as_postgresql_spells_it(text, spelled):
    assert strip_accents(text) == spelled


@pytest.mark.parametrize("typed", ["l\u2019école", "l'école", "L\u2019ECOLE", "l\u2018ecole"])
def test_a_typographic_apostrophe_finds_a_plain_one_and_the_other_way_round(api, client, typed):
    plain = factories.UserStoryFactory(slug="plain", title_fr="Les résultats de l'école")
    curly = factories.UserStoryFactory(slug="curly", title_fr="La cour de l\u2019école")
    accomplishment = factories.AccomplishmentFactory(title_fr="Portail de l\u2019école")
    challenge = factories.ChallengeFactory(title_fr="Données de l'école")

    assert found(api, "/api/v1/stories/", typed) == sorted([plain.pk, curly.pk])
    assert found(api, "/api/v1/accomplishments/", typed) == [accomplishment.pk]
    assert found(api, "/api/v1/challenges/", typed) == [challenge.pk]
    for name, title in [
        ("stories:list", "Les résultats de l'école"),
        ("jurisdictions:accomplishments", "Portail de l\u2019école"),
        ("jurisdictions:challenges", "Données de l'école"),
    ]:
        page = client.get(french_page(name), {"q": typed})
        assert page.status_code == 200
        assert title.replace("'", "&#x27;") in page.content.decode(), name


def test_a_dash_typed_plainly_finds_an_en_dash(api):
    story = factories.UserStoryFactory(slug="pei", title_en="Prince Edward Island \u2013 open budget")

    assert found(api, "/api/v1/stories/", "island - open") == [story.pk]
    assert found(api, "/api/v1/stories/", "island \u2014 open") == [story.pk]
