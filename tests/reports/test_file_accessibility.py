"""The report's XLSX and PPTX as office programs and screen readers read them: a deck whose
every text is in its language, whose texts stay within their boxes (a long list goes on to
follow-on slides, a long title is set smaller) and whose tables mark their headers where
they are; a workbook whose dates are dates and whose links are links; and dates written
with the month in full, as the reports' titles write them."""

import copy
import datetime
import io
import math

import openpyxl
import pptx
import pytest
from django.utils import translation
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from cogwg.demo.loader import load_cogwg_2020
from cogwg.models import StatusReport
from cogwg.reports.content import build_content
from cogwg.reports.render import render_file
from cogwg.reports.render.html import render_html
from cogwg.reports.render.view import report_view
from tests.reports.test_render import french

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr"]
TAGS = {"en": "en-CA", "fr": "fr-CA"}
PRODUCT = {"en": "COGWG Work-Plan Tracker", "fr": "Suivi du plan de travail du GTGO"}
DATE_FORMATS = {"en": "[$-1009]mmmm d, yyyy", "fr": "[$-C0C]d mmmm yyyy"}
MONTH_FORMATS = {"en": "[$-1009]mmmm yyyy", "fr": "[$-C0C]mmmm yyyy"}
# A latest note as long as the working group's (155 to 185 characters in English).
NOTE = {
    "en": "Three jurisdictions shared their inventories of user stories this month; the secretariat "
    "merged them, removed the duplicates and asked each lead to confirm the wording.",
    "fr": "Trois administrations ont communiqué leurs inventaires de récits d'utilisateurs ce mois-ci; "
    "le secrétariat les a fusionnés, a retiré les doublons et a demandé à chaque responsable de "
    "confirmer le libellé.",
}


def label(text, language):
    return text if language == "en" else french(text)


@pytest.fixture
def content(plan, draft_report):
    return build_content(report=draft_report)


@pytest.fixture
def demo():
    """The report the working group gave the Joint Councils on 27 February 2020."""
    load_cogwg_2020()
    return StatusReport.objects.get(as_of=datetime.date(2020, 2, 27)).content


@pytest.fixture
def long_demo(demo):
    """The demo report with as much as a busy report holds: three long latest notes for
    each of its five priorities, twelve accomplishments and ten challenges with long
    titles, and eight next steps of two sub-steps each."""
    content = copy.deepcopy(demo)
    for priority in content["priorities"]:
        noted = priority["activities"][:3]
        for day, activity in enumerate(noted, 20):
            activity["note"] = dict(NOTE)
            activity["reported_on"] = f"2020-02-{day}"
        priority["latest_notes"] = [{"milestone_id": a["id"], "reported_on": a["reported_on"]} for a in noted]
    accomplishment, challenge = content["accomplishments"][0], content["challenges"][0]
    content["accomplishments"] = [
        {**accomplishment, "title": {key: f"{n}. {NOTE[key][:120]}" for key in NOTE}} for n in range(1, 13)
    ]
    content["challenges"] = [
        {**challenge, "title": {key: f"{n}. {NOTE[key][:90]}" for key in NOTE}} for n in range(1, 11)
    ]
    step = content["next_steps"][0]
    content["next_steps"] = [
        {**step, "text": {key: f"{n}. {NOTE[key][:100]}" for key in NOTE}, "children": [step, step]}
        for n in range(1, 9)
    ]
    return content


def deck(content, language):
    return pptx.Presentation(io.BytesIO(render_file(content, format="pptx", language=language)))


def title(slide):
    return slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""


def paragraphs(frame):
    """A text frame's paragraphs as ``(text, size in points, bold, level)``; a run whose
    size is left to the template is taken at 32 pt (the template's cover subtitle, less
    than its titles)."""
    found = []
    for paragraph in frame.paragraphs:
        if paragraph.runs:
            size = max(run.font.size.pt if run.font.size else 32 for run in paragraph.runs)
            found.append((paragraph.text, size, bool(paragraph.runs[0].font.bold), paragraph.level))
    return found


def estimated_height(found, width):
    """A frame's height (EMU) for ``paragraphs(frame)``: a character half its size wide
    (0.55 in bold), a line 1.2 times the size, a fifth of the size between paragraphs; a
    bullet's text 0.4 in in, 0.45 in more a level; 0.1 in clear at the sides, 0.05 in above
    and below."""
    height = Inches(0.1)
    for index, (text, size, bold, level) in enumerate(found):
        room = width - Inches(0.6) - Inches(0.45) * level
        per_line = room / (Pt(size) * (0.55 if bold else 0.5))
        lines = sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n"))
        height += Pt(size) * (1.2 * lines + (0.2 if index else 0))
    return height


def estimated_table_bottom(shape):
    """Where a table's text ends: each row as tall as its tallest cell, or as it was made."""
    table, height = shape.table, 0
    for index, row in enumerate(table.rows):
        bold = table.first_row and index == 0
        cells = [
            estimated_height([(text, size, bold, 0) for text, size, *_ in paragraphs(cell.text_frame)], column.width)
            for cell, column in zip(row.cells, table.columns, strict=True)
        ]
        height += max(row.height, *cells)
    return shape.top + height


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_of_the_deck_and_its_default_style_are_in_its_language(content, language):
    presentation = deck(content, language)

    runs = [run for slide in presentation.slides for run in slide.element.iter(qn("a:r"))]
    assert len(runs) > 50
    assert {run.rPr.get("lang") if run.rPr is not None else None for run in runs} == {TAGS[language]}
    defaults = presentation.element.xpath("./p:defaultTextStyle/a:defPPr/a:defRPr")
    assert [default.get("lang") for default in defaults] == [TAGS[language]]
    assert presentation.core_properties.language == TAGS[language]
    assert presentation.core_properties.author == presentation.core_properties.last_modified_by == PRODUCT[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_latest_notes_go_on_to_numbered_follow_on_slides(long_demo, language):
    heading = label("Latest notes", language)

    slides = [slide for slide in deck(long_demo, language).slides if title(slide).startswith(heading)]

    count = len(slides)
    assert count > 1
    assert [title(slide) for slide in slides] == [f"{heading} ({n}/{count})" for n in range(1, count + 1)]
    shown = [paragraph.text for slide in slides for paragraph in slide.placeholders[1].text_frame.paragraphs]
    assert [text.split(".")[0] for text in shown] == [str(n) for n in range(1, 6) for _note in range(3)]
    assert all(text.endswith(NOTE[language]) for text in shown)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_accomplishments_and_challenges_go_on_to_follow_on_slides(long_demo, language):
    heading = label("Major jurisdictional milestones and challenges", language)
    view = report_view_in(long_demo, language)
    period = view["report"]["period_label"]

    slides = [slide for slide in deck(long_demo, language).slides if title(slide).startswith(heading)]

    count = len(slides)
    assert count > 1
    assert [title(slide) for slide in slides] == [f"{heading} ({n}/{count})" for n in range(1, count + 1)]
    texts = [[shape.text_frame.text for shape in slide.shapes if not shape.is_placeholder] for slide in slides]
    assert all(slide[0] == period for slide in texts)
    lines = [line for slide in texts for box in slide[1:] for line in box.split("\n")]
    accomplishments = [line for line in lines if line.endswith(NOTE[language][:120])]
    challenges = [line for line in lines if line in {f"{c['title']} ({c['status_label']})" for c in view["challenges"]}]
    assert [line.split(": ", 1)[1].split(".")[0] for line in accomplishments] == [str(n) for n in range(1, 13)]
    assert [line.split(".")[0] for line in challenges] == [str(n) for n in range(1, 11)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_of_a_long_report_runs_out_of_its_box_or_over_a_table(long_demo, language):
    presentation = deck(long_demo, language)

    overflowing, overlapping = [], []
    for number, slide in enumerate(presentation.slides, 1):
        tables = [shape for shape in slide.shapes if shape.has_table]
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            if estimated_height(paragraphs(shape.text_frame), shape.width) > shape.height:
                overflowing.append((number, shape.text_frame.text[:60]))
            for table in tables:
                if table.top <= shape.top < estimated_table_bottom(table):
                    overlapping.append((number, shape.text_frame.text[:60]))

    assert overflowing == []
    assert overlapping == []
    assert len(presentation.slides) > 20


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_user_stories_note_starts_below_its_table_whose_headers_wrap(demo, language):
    heading = label("Open data user stories", language)
    (slide,) = [slide for slide in deck(demo, language).slides if title(slide) == heading]

    (table,) = [shape for shape in slide.shapes if shape.has_table]
    note = [shape for shape in slide.shapes if shape.has_text_frame and shape.top > table.top]
    assert len(note) == 1
    assert note[0].top >= estimated_table_bottom(table)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_title_is_set_smaller_the_longer_it_is_and_the_cover_subtitle_at_20_pt(demo, language):
    slides = list(deck(demo, language).slides)

    sizes = {title(slide): paragraphs(slide.shapes.title.text_frame)[0][1] for slide in slides[1:]}
    assert sizes[label("Purpose", language)] == 28
    long = {"en": "2. Support and enhancement of", "fr": "2. Soutien et amélioration des"}[language]
    (heading,) = [text for text in sizes if text.startswith(long)]
    assert len(heading) > 90
    assert sizes[heading] <= 20
    assert {size for text, size in sizes.items() if len(text) > 60} <= {24, 20, 18}
    subtitle = paragraphs(slides[0].placeholders[1].text_frame)
    assert len(subtitle) == 3
    assert {size for _text, size, _bold, _level in subtitle} == {20}


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_table_of_the_deck_marks_its_headers_where_they_are(demo, language):
    tables = [shape.table for slide in deck(demo, language).slides for shape in slide.shapes if shape.has_table]

    issue = label("Issue", language)
    annex = [table for table in tables if table.cell(0, 0).text == issue]
    others = [table for table in tables if table.cell(0, 0).text != issue]
    assert len(annex) == 5 and len(others) == 2  # the priorities' progress, the user stories
    # The annex's headers are its first column ("Issue", "Expected outcome"…): no row of
    # it is a header row.
    assert {(table.first_row, table.first_col) for table in annex} == {(False, True)}
    # The others have a header row, and a row's header in their first column (a priority,
    # "Received").
    assert {(table.first_row, table.first_col) for table in others} == {(True, True)}


def workbook(content, language):
    return openpyxl.load_workbook(io.BytesIO(render_file(content, format="xlsx", language=language)))


def row_of(sheet, first):
    return next(row for row in sheet.iter_rows() if row[0].value == first)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_workbooks_dates_are_dates_shown_in_its_language(content, language):
    book = workbook(content, language)

    as_of = row_of(book.worksheets[0], label("As of", language))[1]
    assert (as_of.value, as_of.number_format) == (datetime.datetime(2020, 2, 27), DATE_FORMATS[language])
    stories = book.worksheets[1]
    header = row_of(stories, label("Month", language))
    assert [cell.value for cell in header[5:7]] == [label("Latest note", language), label("Reported on", language)]
    inventory, release = (stories[header[0].row + offset] for offset in (1, 2))
    assert (inventory[0].value, inventory[0].number_format) == (datetime.datetime(2020, 3, 31), MONTH_FORMATS[language])
    note = {"en": "Inventory started with five stories.", "fr": "Inventaire commencé avec cinq récits."}[language]
    assert (inventory[5].value, inventory[6].value) == (note, datetime.datetime(2020, 2, 10))
    assert inventory[6].number_format == DATE_FORMATS[language]
    assert (release[0].value, release[5].value, release[6].value) == (datetime.datetime(2020, 6, 30), None, None)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_link_of_an_accomplishment_is_a_link_of_its_own_under_its_label(content, language):
    content = copy.deepcopy(content)
    (portal,) = [item for item in content["accomplishments"] if item["jurisdiction"]["code"] == "YT"]
    portal["links"] = [
        {"url": "https://open.yukon.ca/data/", "label": {"en": "Yukon open data portal", "fr": "Portail du Yukon"}},
        {"url": "https://example.org/news", "label": {"en": "", "fr": ""}},
        {"url": "javascript:alert(1)", "label": {"en": "Not a web address", "fr": "Pas une adresse Web"}},
    ]

    book = workbook(content, language)

    summary = book.worksheets[0]
    header = row_of(summary, label("Jurisdiction", language))
    link = {"en": "Link", "fr": "Lien"}[language]
    assert [cell.value for cell in header[3:6]] == [f"{link} 1", f"{link} 2", f"{link} 3"]
    yukon = row_of(summary, "Yukon")
    first, second, third = yukon[3:6]
    assert (first.value, first.hyperlink.target) == (
        portal["links"][0]["label"][language],
        "https://open.yukon.ca/data/",
    )
    assert (second.value, second.hyperlink.target) == ("https://example.org/news", "https://example.org/news")
    assert first.style == second.style == "Hyperlink"
    # Only a web address opens: any other is shown, never followed.
    assert (third.value, third.hyperlink) == (portal["links"][2]["label"][language], None)
    northwest = summary[yukon[0].row + 1]
    assert [cell.value for cell in northwest[3:6]] == [None, None, None]
    assert book.properties.creator == PRODUCT[language]


def report_view_in(content, language):
    with translation.override(language):
        return report_view(content, language)


def test_the_files_write_an_english_date_with_its_month_in_full_as_their_titles_do(content):
    view = report_view_in(content, "en")

    assert view["report"]["as_of_label"] == "February 27, 2020"
    assert view["report"]["period_label"] == "Reported from January 1, 2020 to February 27, 2020."
    html = render_html(content, language="en")
    assert "Status as of February 27, 2020" in html
    assert "<li>February 10, 2020 (March 2020): Inventory started with five stories.</li>" in html
    assert not any(month in html for month in ("Jan. ", "Feb. ", "Sept. "))
    cover = [shape.text_frame.text for shape in deck(content, "en").slides[0].shapes]
    assert "Status as of February 27, 2020" in cover[1]


def test_a_french_date_is_written_as_before(content):
    view = report_view_in(content, "fr")

    assert view["report"]["as_of_label"] == "27 février 2020"
    assert view["report"]["period_label"] == "Signalés du 1er janvier 2020 au 27 février 2020."
