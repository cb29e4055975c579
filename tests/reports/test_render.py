"""Each renderer's output, opened and read back, in both languages."""

import csv
import datetime
import io
import re

import openpyxl
import pptx
import pypdf
import pytest
from django.utils import translation
from django.utils.translation import gettext

from cogwg.reports.content import build_content
from cogwg.reports.render import render_file
from cogwg.reports.render.html import render_html
from cogwg.reports.render.pdf import static_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(plan, draft_report):
    return build_content(report=draft_report)


def french(label):
    """A UI label in French, which must differ from the English one."""
    with translation.override("fr"):
        translated = gettext(label)
    assert translated != label, f"no French for {label!r}"
    return translated


def flat(text):
    return re.sub(r"\s+", " ", text)


def pdf_text(data):
    return flat(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))


def xlsx_cells(data):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return workbook, {
        sheet.title: [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
        for sheet in workbook.worksheets
    }


def pptx_texts(data):
    """Each slide's texts: its shapes' text frames and its tables' cells."""
    slides = []
    for slide in pptx.Presentation(io.BytesIO(data)).slides:
        texts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
        slides.append(flat(" ".join(texts)))
    return slides


def csv_rows(data):
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_html_document_links_its_stylesheet_and_has_no_inline_style_or_script(content):
    html = render_html(content, language="en")

    assert '<link rel="stylesheet" href="/static/cogwg/reports/report.css">' in html
    assert "<style" not in html
    assert "<script" not in html
    assert " style=" not in html
    assert '<html lang="en">' in html
    assert "Open Data User Stories" in html


def test_html_in_french(content):
    html = render_html(content, language="fr")

    assert '<html lang="fr">' in html
    assert french("Progress on the work plan priorities") in html
    assert "Littératie en matière de gouvernement ouvert" in html
    assert "mars 2020" in html


def test_pdf_in_english(content):
    text = pdf_text(render_file(content, format="pdf", language="en"))

    assert "Status report" in text
    assert "Progress on the work plan priorities" in text
    assert "Open Data User Stories" in text
    assert "Inventory started with five stories." in text
    assert "Yukon has launched its open data portal" in text


def test_pdf_in_french(content):
    text = pdf_text(render_file(content, format="pdf", language="fr"))

    assert flat(french("Progress on the work plan priorities")) in text
    assert flat(french("Some immediate next steps")) in text
    assert "Littératie en matière de gouvernement ouvert" in text
    assert "Inventaire commencé avec cinq récits." in text
    assert "Progress on the work plan priorities" not in text


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_pdf_is_tagged_for_screen_readers_in_its_language(content, language):
    reader = pypdf.PdfReader(io.BytesIO(render_file(content, format="pdf", language=language)))
    catalog = reader.trailer["/Root"]

    assert catalog["/Lang"] == language
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/StructTreeRoot"]["/Type"] == "/StructTreeRoot"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == content["report"]["title"][language]


def test_xlsx_has_a_summary_sheet_and_one_per_priority(content):
    workbook, cells = xlsx_cells(render_file(content, format="xlsx", language="en"))

    assert workbook.sheetnames == ["Summary", "1. Open Data User Stories", "2. Open Government Literacy"]
    summary = workbook["Summary"]
    assert summary["A1"].value == "Status report – Joint Councils, February 27, 2020"  # noqa: RUF001
    header = next(row for row in summary.iter_rows(values_only=True) if row[0] == "Priority")
    assert header[:3] == ("Priority", "Status", "Progress (%)")
    rows = {row[0]: row for row in summary.iter_rows(values_only=True) if row[0] and row[0][:2] in ("1.", "2.")}
    assert rows["1. Open Data User Stories"][1:6] == ("On track", 20, 0, 1, 0)
    stories = cells["1. Open Data User Stories"]
    assert "Initial inventory of user stories established." in stories
    assert "Inventory started with five stories." in stories
    assert "Treasury Board of Canada Secretariat, TBD (L)" in stories


def test_xlsx_in_french(content):
    workbook, cells = xlsx_cells(render_file(content, format="xlsx", language="fr"))

    assert workbook.sheetnames[0] == french("Summary")
    assert workbook.sheetnames[1] == "1. Récits d'utilisateurs de\u2026"  # Excel's 31 characters, at a word's end
    summary = cells[french("Summary")]
    assert french("Jurisdictional accomplishments") in summary
    assert "Le Yukon a lancé son portail de données ouvertes" in summary
    assert french("On track") in summary
    literacy = cells[workbook.sheetnames[2]]
    assert "Groupe de travail multiadministrations établi." in literacy
    # Its month a date, shown in French ("mars 2020").
    month = workbook[workbook.sheetnames[2]]["A7"]
    assert (month.value, month.number_format) == (datetime.datetime(2020, 3, 31), "[$-C0C]mmmm yyyy")


def test_pptx_has_one_slide_per_section_like_the_deck(content):
    slides = pptx_texts(render_file(content, format="pptx", language="en"))

    assert "Canada Open Government Working Group" in slides[0]
    assert "Joint Councils – February 27, 2020" in slides[0]  # noqa: RUF001
    titles = [slide.split(" ")[0] for slide in slides]
    assert titles[1] == "Purpose"
    assert any(slide.startswith("Progress on the work plan priorities") for slide in slides)
    assert any(slide.startswith("Latest notes") and "Inventory started with five stories." in slide for slide in slides)
    assert any(slide.startswith("Major jurisdictional milestones and challenges") for slide in slides)
    assert any(slide.startswith("Some immediate next steps") for slide in slides)
    annex = [slide for slide in slides if slide.startswith("1. Open Data User Stories")]
    assert len(annex) == 1
    assert "March 2020: Initial inventory of user stories established. [On track]" in annex[0]
    assert slides[-1].startswith("2. Open Government Literacy")


def test_pptx_in_french(content):
    slides = pptx_texts(render_file(content, format="pptx", language="fr"))

    assert slides[1].startswith(french("Purpose"))
    assert any(slide.startswith(french("Some immediate next steps")) for slide in slides)
    assert any("Réunion en personne pour :" in slide for slide in slides)
    assert any("Littératie en matière de gouvernement ouvert" in slide for slide in slides)
    assert not any("Some immediate next steps" in slide for slide in slides)


def test_csv_has_one_row_per_activity(plan, content):
    rows = csv_rows(render_file(content, format="csv", language="en"))

    assert rows[0][:3] == ["Priority number", "Priority", "Priority status"]
    assert len(rows) == 1 + 4
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Priority"] == "Open Data User Stories"
    assert first["Activity"] == "Initial inventory of user stories established."
    assert (first["Status"], first["Progress (%)"], first["Overdue"]) == ("On track", "40", "No")
    assert first["Month"] == "March 2020"
    assert first["Latest note"] == "Inventory started with five stories."


def test_csv_in_french(content):
    rows = csv_rows(render_file(content, format="csv", language="fr"))

    assert rows[0][0] == french("Priority number")
    assert rows[1][1] == "Récits d'utilisateurs de données ouvertes"
    assert rows[1][8] == french("On track")
    assert rows[1][11] == "Inventaire commencé avec cinq récits."


def test_renderers_read_only_the_content(content):
    """No database access: a renderer given the frozen JSON needs nothing else."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        for format in ("pdf", "xlsx", "pptx", "csv"):
            render_file(content, format=format, language="fr")

    assert len(queries) == 0


def test_the_pdf_fetches_this_projects_static_files_and_nothing_else():
    body, content_type = static_file("https://cogwg.invalid/static/cogwg/reports/report.css")

    assert content_type == "text/css"
    assert b"@page" in body
    for url in ("https://example.org/static/cogwg/reports/report.css/../../x.png", "https://example.org/logo.png"):
        with pytest.raises(ValueError):
            static_file(url)
