"""The public list of stories offers its dataset filter and its order on the page, as it does
its other filters: a group of checkboxes of the datasets published stories used, and a list
box of orders, labelled in the page's language, in one query whatever the number of
datasets."""

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stories.choices import StoryState
from tests.factories import DatasetFactory, UserStoryFactory

pytestmark = pytest.mark.django_db

LIST = {"en": "/en/user-stories/", "fr": "/fr/recits-utilisateurs/"}


def fieldset(html, name):
    match = re.search(rf'<fieldset class="field[^"]*" id="id_{name}".*?</fieldset>', html, re.S)
    return match.group(0) if match else ""


def select(html, name):
    match = re.search(rf'<div class="field[^"]*">\s*<label for="id_{name}">.*?</select>', html, re.S)
    return match.group(0) if match else ""


def checkbox_labels(html, name):
    return [unescape(label) for label in re.findall(r"<label [^>]*>([^<]*)</label>", fieldset(html, name))]


def titles(html):
    return [unescape(title) for title in re.findall(r'<h3[^>]*><a href="[^"]*">([^<]*)</a></h3>', html)]


def error_summary(html):
    match = re.search(r'<div class="error-summary" role="alert".*?</div>', html, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def datasets(db):
    """Three datasets of published stories, one of a story in review, one of none."""
    water = DatasetFactory(title_en="Water levels", title_fr="Niveaux d'eau")
    schools = DatasetFactory(title_en="Schools", title_fr="Écoles")
    buses = DatasetFactory(title_en="Bus routes", title_fr="")  # not translated yet
    private = DatasetFactory(title_en="Draft data", title_fr="Données d'un brouillon")
    DatasetFactory(title_en="Unused", title_fr="Inutilisé")
    stories = [
        ("Flood maps", "Cartes des inondations", datetime.date(2020, 3, 1), [water]),
        ("école finder", "Trouver une école", datetime.date(2020, 5, 1), [schools, water]),
        ("Bus app", "Appli d'autobus", datetime.date(2020, 4, 1), [buses]),
    ]
    for title_en, title_fr, published_on, used in stories:
        UserStoryFactory(title_en=title_en, title_fr=title_fr, published_on=published_on).datasets.set(used)
    UserStoryFactory(state=StoryState.IN_REVIEW, published_on=None).datasets.set([private])
    return {"water": water, "schools": schools, "buses": buses, "private": private}


# The dataset filter ------------------------------------------------------------------------


def test_the_page_offers_the_datasets_published_stories_used_by_title(client, datasets):
    english = client.get(LIST["en"]).content.decode()
    french = client.get(LIST["fr"]).content.decode()

    assert "<legend>Dataset</legend>" in fieldset(english, "dataset")
    assert checkbox_labels(english, "dataset") == ["Bus routes", "Schools", "Water levels"]
    assert "<legend>Jeu de données</legend>" in fieldset(french, "dataset")
    # Sorted as French readers do ("É" among the E's), an untranslated title in English.
    assert checkbox_labels(french, "dataset") == ["Bus routes", "Écoles", "Niveaux d'eau"]
    assert f'value="{datasets["buses"].pk}" id="id_dataset_0"> <label for="id_dataset_0" lang="en">' in french
    assert 'lang="en"' not in fieldset(french, "dataset").replace(
        'id="id_dataset_0"> <label for="id_dataset_0" lang="en"', ""
    )


def test_choosing_a_dataset_lists_the_stories_that_used_it(client, datasets):
    html = client.get(LIST["en"], {"dataset": datasets["water"].pk}).content.decode()

    assert titles(html) == ["école finder", "Flood maps"]
    assert f'value="{datasets["water"].pk}" id="id_dataset_2" checked>' in html
    assert html.count(" checked>") == 1


def test_a_dataset_no_published_story_used_is_no_choice(client, datasets):
    html = client.get(LIST["en"], {"dataset": datasets["private"].pk}).content.decode()

    summary = error_summary(html)
    assert f"Dataset: Select a valid choice. {datasets['private'].pk} is not one of the available choices." in summary
    assert 'href="#id_dataset_0"' in summary  # to the field on the page
    assert len(titles(html)) == 3  # the list leaves the bad filter out


def test_a_bad_dataset_is_named_in_the_page_s_language_and_leads_to_its_field(client, datasets):
    html = unescape(client.get(LIST["fr"], {"dataset": "x"}).content.decode())

    summary = error_summary(html)
    assert "Jeu de données\u00a0: «\u00a0x\u00a0» n\u2019est pas une valeur correcte." in summary
    assert 'href="#id_dataset_0"' in summary


def test_without_any_published_dataset_there_is_no_dataset_filter(client, db):
    UserStoryFactory()
    UserStoryFactory(state=StoryState.IN_REVIEW, published_on=None).datasets.set([DatasetFactory()])

    html = client.get(LIST["en"]).content.decode()

    assert 'id="id_dataset"' not in html
    assert 'id="id_theme"' not in html  # as with themes
    assert 'id="id_ordering"' in html


# The order ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "label", "options"),
    [
        ("en", "Sort by", ["Newest first", "Oldest first", "Title, A to Z", "Title, Z to A"]),
        (
            "fr",
            "Trier par",
            ["Les plus récents d'abord", "Les plus anciens d'abord", "Titre, de A à Z", "Titre, de Z à A"],
        ),
    ],
)
def test_the_page_offers_the_orders_in_a_labelled_list_box(client, datasets, language, label, options):
    html = unescape(client.get(LIST[language]).content.decode())

    box = select(html, "ordering")
    assert f'<label for="id_ordering">{label}</label>' in box
    assert '<select name="ordering" id="id_ordering">' in box
    # With no order chosen, the list's own (newest first) is the one selected.
    assert '<option value="" selected>' in box
    assert re.findall(r'<option value="([^"]*)"(?: selected)?>([^<]*)</option>', box) == list(
        zip(["", "published_on", "title", "-title"], options, strict=True)
    )


@pytest.mark.parametrize(
    ("language", "ordering", "expected"),
    [
        ("en", "", ["école finder", "Bus app", "Flood maps"]),
        ("en", "published_on", ["Flood maps", "Bus app", "école finder"]),
        ("en", "title", ["Bus app", "école finder", "Flood maps"]),
        ("en", "-title", ["Flood maps", "école finder", "Bus app"]),
        ("fr", "title", ["Appli d'autobus", "Cartes des inondations", "Trouver une école"]),
    ],
)
def test_the_chosen_order_is_the_list_s_and_stays_chosen(client, datasets, language, ordering, expected):
    html = client.get(LIST[language], {"ordering": ordering}).content.decode()

    assert titles(html) == expected
    chosen = re.findall(r'<option value="([^"]*)" selected>', select(html, "ordering"))
    assert chosen == ([ordering] if ordering else [])  # none: the first
    assert not error_summary(html)


def test_an_order_of_the_api_the_box_does_not_list_still_applies(client, datasets):
    html = client.get(LIST["en"], {"ordering": "-published_on,title"}).content.decode()

    assert titles(html) == ["école finder", "Bus app", "Flood maps"]
    assert not error_summary(html)


def test_a_bad_order_is_named_and_leads_to_the_list_box(client, datasets):
    html = unescape(client.get(LIST["fr"], {"ordering": "bogus"}).content.decode())

    summary = error_summary(html)
    assert "Trier par\u00a0: Sélectionnez un choix valide. bogus n\u2019en fait pas partie." in summary
    assert 'href="#id_ordering"' in summary
    assert '<select name="ordering" id="id_ordering" aria-invalid="true" aria-describedby="id_ordering_error">' in html
    assert '<p class="field-error" id="id_ordering_error">' in html
    assert len(titles(html)) == 3


# Queries -----------------------------------------------------------------------------------


def build(size):
    for index in range(size):
        story = UserStoryFactory(title_en=f"Story {index}")
        story.datasets.set([DatasetFactory(), DatasetFactory()])


def queries(client, **query):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST["fr"], query).status_code == 200
    return [entry["sql"] for entry in captured]


@pytest.mark.parametrize("query", [{}, {"ordering": "title", "dataset": "1"}], ids=["plain", "filtered"])
def test_the_choices_take_one_query_whatever_the_number_of_datasets(client, db, query):
    build(1)
    few = queries(client, **query)
    build(30)
    many = queries(client, **query)

    assert len(many) == len(few)
    # The choices; and the chosen one, checked.
    assert sum('SELECT "stories_dataset"."id"' in sql for sql in many) == 1 + len(query.get("dataset", ""))
