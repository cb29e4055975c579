"""Text that contributors write (a note, a title) goes into every report file as text: a
spreadsheet never runs it as a formula, and a control character, which XML cannot hold,
never stops a file from being rendered. (NUL is not among them: forms, the API and
PostgreSQL refuse it before it is stored.)"""

import csv
import io

import openpyxl
import pytest
from django.utils import translation

from cogwg.reports.content import build_content
from cogwg.reports.render import render_file
from cogwg.reports.render.view import report_view
from workplan.models import ProgressUpdate

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/","Click for details")'


@pytest.fixture
def hostile_content(plan, draft_report):
    ProgressUpdate.objects.filter(note_en="Inventory started with five stories.").update(
        note_en=FORMULA, note_fr="ok\x0bvertical tab\x01 and SOH"
    )
    plan.work_plan.priorities.filter(number=1).update(title_en="+cmd|' /C calc'!A0", title_fr="@SUM(1+1)")
    return build_content(report=draft_report)


def cells(workbook):
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("format", ["pdf", "xlsx", "pptx", "csv"])
def test_every_file_is_rendered_whatever_the_text_holds(hostile_content, format, language):
    assert render_file(hostile_content, format=format, language=language)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_xlsx_holds_no_formula_and_shows_the_text_as_written(hostile_content, language):
    workbook = openpyxl.load_workbook(io.BytesIO(render_file(hostile_content, format="xlsx", language=language)))

    written = cells(workbook)
    assert [cell.coordinate for cell in written if cell.data_type == "f"] == []
    values = {cell.value for cell in written}
    if language == "en":
        assert FORMULA in values
        assert "+cmd|' /C calc'!A0" in values or any("+cmd|' /C calc'!A0" in str(value) for value in values)
    else:
        assert any("okvertical tab and SOH" in str(value) for value in values)


def test_the_csv_prefixes_text_a_spreadsheet_would_run(hostile_content):
    rows = list(csv.reader(io.StringIO(render_file(hostile_content, format="csv", language="en").decode("utf-8-sig"))))

    texts = [value for row in rows[1:] for value in row]
    assert "'" + FORMULA in texts
    assert not any(value.startswith(("=", "+", "-", "@")) for value in texts)


@pytest.mark.parametrize(
    ("language", "label"),
    [("en", "Several jurisdictions (not named)"), ("fr", "Plusieurs administrations (non précisées)")],
)
def test_a_challenge_naming_no_jurisdiction_is_worded_as_on_the_pages(plan, draft_report, language, label):
    with translation.override(language):
        view = report_view(build_content(report=draft_report), language)

    names = {item["title"]: item["jurisdiction_names"] for item in view["challenges"]}
    assert names[plan.resources_challenge.title_en if language == "en" else plan.resources_challenge.title_fr] == label


def test_a_note_that_reads_as_an_error_code_stays_text_in_the_xlsx(plan, draft_report):
    """openpyxl takes "#N/A" for an error value: the sheet would show Excel's error, not
    the note (and sum it as one)."""
    ProgressUpdate.objects.filter(note_en="Inventory started with five stories.").update(note_en="#N/A")
    content = build_content(report=draft_report)

    workbook = openpyxl.load_workbook(io.BytesIO(render_file(content, format="xlsx", language="en")))

    written = cells(workbook)
    assert [cell.coordinate for cell in written if cell.data_type == "e"] == []
    assert "#N/A" in {cell.value for cell in written}
