"""Dates as each language writes them: « 1er » for the first of the month in French, on
pages (the ``date`` filter every template has) and in Python (cogwg.dates.date_format)."""

import datetime

import pytest
from django.template import engines
from django.utils import translation

from cogwg.dates import date_format
from cogwg.demo.loader import load_cogwg_2020

FIRST = datetime.date(2020, 1, 1)
ELEVENTH = datetime.date(2020, 1, 11)


@pytest.mark.parametrize(
    ("language", "value", "format", "expected"),
    [
        ("fr", FIRST, None, "1er janvier 2020"),
        ("fr", FIRST, "DATE_FORMAT", "1er janvier 2020"),
        ("fr", ELEVENTH, "DATE_FORMAT", "11 janvier 2020"),
        ("fr", datetime.date(2020, 9, 21), "DATE_FORMAT", "21 septembre 2020"),
        ("fr", datetime.datetime(2020, 9, 1, 14, 5), "DATETIME_FORMAT", "1er septembre 2020 14:05"),
        ("fr", FIRST, "YEAR_MONTH_FORMAT", "janvier 2020"),
        ("fr", FIRST, "SHORT_DATE_FORMAT", "01/01/2020"),
        ("fr", FIRST, "Y-m-d", "2020-01-01"),
        ("fr", FIRST, r"\j j", "j 1er"),
        ("en", FIRST, "DATE_FORMAT", "Jan. 1, 2020"),
        ("en", ELEVENTH, "DATE_FORMAT", "Jan. 11, 2020"),
    ],
)
def test_date_format_writes_the_first_of_the_month_as_the_language_does(language, value, format, expected):
    with translation.override(language):
        assert date_format(value, format) == expected


@pytest.mark.parametrize(
    ("language", "expected"), [("fr", "1er janvier 2020|2020-01-01|"), ("en", "Jan. 1, 2020|2020-01-01|")]
)
def test_every_templates_date_filter_is_ours(language, expected):
    template = engines["django"].from_string('{{ day|date:"DATE_FORMAT" }}|{{ day|date:"Y-m-d" }}|{{ none|date }}')

    with translation.override(language):
        assert template.render({"day": FIRST, "none": None}) == expected


def test_a_french_page_writes_the_first_of_january_with_its_ordinal(client, db):
    load_cogwg_2020()

    html = client.get("/fr/plan-de-travail/2020/").content.decode()

    assert "Du 1er janvier 2020 au 31 décembre 2020" in html
    assert "Du 1 janvier" not in html
