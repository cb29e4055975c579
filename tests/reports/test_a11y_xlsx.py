"""The XLSX report read with a screen reader or zoomed in: sheet names that end on a whole
word, and each priority's activities under a header row that stays in view."""

import io

import openpyxl
import pytest

from cogwg.reports.content import build_content
from cogwg.reports.render import render_file
from cogwg.reports.render.xlsx import sheet_name

pytestmark = pytest.mark.django_db

LONG = "2. Support and enhancement of Digital common extensions (CKAN) for open governments portals"


@pytest.fixture
def content(plan, draft_report):
    return build_content(report=draft_report)


def workbook(content, language):
    return openpyxl.load_workbook(io.BytesIO(render_file(content, format="xlsx", language=language)))


def test_a_long_name_is_cut_after_its_last_whole_word_with_an_ellipsis():
    assert sheet_name(LONG, set()) == "2. Support and enhancement of\u2026"
    assert sheet_name("1. Récits d'utilisateurs de données ouvertes", set()) == "1. Récits d'utilisateurs de\u2026"


def test_a_name_that_fits_is_kept_whole():
    name = "2. Support and enhancement of D"  # 31 characters, Excel's most

    assert sheet_name(name, set()) == name
    assert sheet_name("Summary", set()) == "Summary"


def test_names_cut_alike_stay_unique_and_within_31_characters():
    taken = set()

    names = [sheet_name(LONG, taken), sheet_name(LONG.replace("Digital", "Data"), taken), sheet_name(LONG, taken)]

    assert names == [
        "2. Support and enhancement of\u2026",
        "2. Support and enhancement\u2026 (2)",
        "2. Support and enhancement\u2026 (3)",
    ]
    assert max(len(name) for name in names) <= 31
    assert taken == {name.lower() for name in names}


def test_a_name_differing_only_in_case_is_taken():
    taken = {"summary"}

    assert sheet_name("SUMMARY", taken) == "SUMMARY (2)"


def test_a_single_word_too_long_is_cut_within_it():
    assert sheet_name("1. " + "x" * 40, set()) == "1. " + "x" * 27 + "\u2026"


def test_characters_excel_refuses_are_left_out():
    assert sheet_name("'1. Plans: [draft] a/b?'", set()) == "1. Plans draft a b"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_workbooks_sheet_names_end_on_a_whole_word(content, language):
    names = workbook(content, language).sheetnames

    expected = {
        "en": ["Summary", "1. Open Data User Stories", "2. Open Government Literacy"],
        "fr": ["Résumé", "1. Récits d'utilisateurs de\u2026", "2. Littératie en matière de\u2026"],
    }
    assert names == expected[language]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_priority_sheet_keeps_its_activities_header_in_view(content, language):
    book = workbook(content, language)

    for sheet in book.worksheets[1:]:
        frozen = sheet[sheet.freeze_panes].row - 1
        header = [cell.value for cell in sheet[frozen]]
        assert header[:2] == (["Month", "Activity"] if language == "en" else ["Mois", "Activité"])
        assert sheet.cell(row=frozen + 1, column=2).value  # the first activity, right under it
        # Only short rows stay frozen above it: a long text there would fill a zoomed window.
        above = [cell.value for row in sheet.iter_rows(max_row=frozen - 1) for cell in row if cell.value]
        assert frozen <= 6 and not any("\n" in str(value) for value in above)
    assert book.worksheets[0].freeze_panes is None  # the summary holds several tables
