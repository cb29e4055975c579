"""SQLite's ``UNACCENT()`` (cogwg.search.strip_accents) spells what it spells out as
PostgreSQL's unaccent does: the suite runs on both in CI, and this compares them on the
PostgreSQL run."""

import pytest
from django.db import connection

from cogwg.search import UNACCENT_RULES, strip_accents

pytestmark = pytest.mark.django_db

FRENCH_AND_ENGLISH = (
    "L\u2019école « Île\u2013du\u2013Prince\u2014Édouard » \u201copen\u201d data, "
    "cœur ŒUVRE Æsir ß façade naïve Øresund Łódź"
)


def unaccent(text):
    with connection.cursor() as cursor:
        cursor.execute("SELECT UNACCENT(%s)", [text])
        return cursor.fetchone()[0]


def test_each_rule_is_the_databases():
    # On PostgreSQL, its own unaccent; on SQLite, strip_accents registered as UNACCENT().
    differences = {
        character: (strip_accents(character), unaccent(character))
        for character in UNACCENT_RULES
        if strip_accents(character) != unaccent(character)
    }

    assert differences == {}


def test_french_and_english_text_is_unaccented_alike():
    # On SQLite, UNACCENT() is strip_accents itself: this checks that it is registered.
    assert unaccent(FRENCH_AND_ENGLISH) == strip_accents(FRENCH_AND_ENGLISH)
    assert strip_accents(FRENCH_AND_ENGLISH) == (
        'L\'ecole << Ile-du-Prince-Edouard >> "open" data, coeur OEUVRE AEsir ss facade naive Oresund Lodz'
    )
