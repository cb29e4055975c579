"""A French status report file holds no English UI text (tests/french.py says how English
is found and how the data's own values are set aside): the PDF, PPTX, XLSX and CSV of the
demo data's report (the one the working group gave the Joint Councils on 27 February 2020),
and of a smaller deck-shaped plan, each checked against the same file in English."""

import csv
import datetime
import io

import openpyxl
import pptx
import pypdf
import pytest

from cogwg.demo.loader import load_cogwg_2020
from cogwg.models import StatusReport
from cogwg.reports.content import build_content
from cogwg.reports.render import render_file
from tests.factories import StatusReportFactory
from tests.french import data_values, english_in
from tests.reports.conftest import APRIL_1

pytestmark = pytest.mark.django_db


def pdf_texts(data):
    """Its lines, and its title (which PDF readers show, as the document's)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    lines = [line for page in reader.pages for line in page.extract_text().splitlines()]
    return [*lines, reader.metadata.title or ""]


def pptx_texts(data):
    """Its shapes' paragraphs, its tables' cells, its notes, and its title."""
    presentation = pptx.Presentation(io.BytesIO(data))
    texts = [presentation.core_properties.title or ""]
    for slide in presentation.slides:
        shapes = list(slide.shapes)
        if slide.has_notes_slide:
            shapes += list(slide.notes_slide.shapes)
        for shape in shapes:
            if shape.has_text_frame:
                texts += [paragraph.text for paragraph in shape.text_frame.paragraphs]
            if getattr(shape, "has_table", False) and shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
    return texts


def xlsx_texts(data):
    """Its sheets' names and text cells, its comments, and its title."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    texts = [workbook.properties.title or ""]
    for sheet in workbook.worksheets:
        texts.append(sheet.title)
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                if cell.comment:
                    texts.append(cell.comment.text)
    return texts


def csv_texts(data):
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


READERS = {"pdf": pdf_texts, "pptx": pptx_texts, "xlsx": xlsx_texts, "csv": csv_texts}


@pytest.fixture(params=["demo", "deck"])
def content(request):
    """The demo data's report, and the report of tests/reports/conftest.py's deck-shaped plan
    as of 1 April 2020 (which holds notes, completed milestones and resolved challenges)."""
    if request.param == "demo":
        load_cogwg_2020()
        return StatusReport.objects.get(as_of=datetime.date(2020, 2, 27)).content
    plan = request.getfixturevalue("plan")
    report = StatusReportFactory(
        work_plan=plan.work_plan,
        meeting=plan.meeting,
        as_of=APRIL_1,
        title_en="Status report, April 2020",
        title_fr="Rapport d'étape, avril 2020",
    )
    return build_content(report=report)


@pytest.mark.parametrize("format", READERS)
def test_a_french_report_file_holds_no_english(content, format):
    french = READERS[format](render_file(content, format=format, language="fr"))
    english = READERS[format](render_file(content, format=format, language="en"))

    assert english_in(french, english, data_values()) == []
