"""The open data user stories inventory in the status reports: counted once
(stories.selectors.story_inventory), frozen in the content (schema 2), and the same numbers
on the page, in the API's status, and in the PDF, XLSX, PPTX and CSV files, in English and in
French. A content frozen before reports counted stories (schema 1) still renders, without
the section."""

import copy
import io
from html.parser import HTMLParser

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from rest_framework.test import APIClient

from cogwg.reports.content import SCHEMA_VERSION, build_content
from cogwg.reports.diff import compare
from cogwg.reports.render import render_file
from cogwg.reports.render.html import render_html
from cogwg.reports.services import report_freeze, report_publish
from tests.factories import StatusReportFactory
from tests.reports.story_inventory import AS_OF, EXPECTED, PERIOD_START, PREVIOUS_AS_OF, make_stories
from tests.reports.test_render import csv_rows, flat, french, pdf_text, pptx_texts

pytestmark = pytest.mark.django_db

SCOPES = ("period", "plan", "to_date")
# The table's numbers, row by row: received, then published, each in the scopes' order.
NUMBERS = [[EXPECTED[scope][row] for scope in SCOPES] for row in ("received", "published")]
HEADERS = {
    "en": [
        "User stories",
        "This report's period (March 1, 2020 to June 30, 2020)",
        "Since the work plan began (January 1, 2020)",
        "In all",
    ],
    "fr": [
        "Récits d'utilisateurs",
        "Période de ce rapport (du 1er mars 2020 au 30 juin 2020)",
        "Depuis le début du plan de travail (1er janvier 2020)",
        "Au total",
    ],
}
ROWS = {"en": ["Received", "Published"], "fr": ["Reçus", "Publiés"]}
CSV_HEADERS = {
    "en": [
        "Stories received this period",
        "Stories received since the work plan began",
        "Stories received in all",
        "Stories published this period",
        "Stories published since the work plan began",
        "Stories published in all",
    ],
    "fr": [
        "Récits reçus pendant la période",
        "Récits reçus depuis le début du plan de travail",
        "Récits reçus au total",
        "Récits publiés pendant la période",
        "Récits publiés depuis le début du plan de travail",
        "Récits publiés au total",
    ],
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def reports(plan):
    """The report of 30 June 2020, frozen and published after that of 29 February 2020:
    its period starts on 1 March."""
    make_stories()
    previous = report_freeze(report=StatusReportFactory(work_plan=plan.work_plan, as_of=PREVIOUS_AS_OF))
    june = StatusReportFactory(
        work_plan=plan.work_plan, as_of=AS_OF, title_en="June report", title_fr="Rapport de juin"
    )
    return previous, report_publish(report=report_freeze(report=june))


@pytest.fixture
def content(reports):
    return reports[1].content


def old(content):
    """``content`` as a report frozen before reports counted stories kept it (schema 1)."""
    older = copy.deepcopy(content)
    del older["stories"]
    older["schema"] = 1
    return older


class _Tables(HTMLParser):
    """Each table's rows, each row its cells as (tag, scope, text), and its caption."""

    def __init__(self):
        super().__init__()
        self.tables, self.cell, self.caption = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"class": attrs.get("class", ""), "caption": "", "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td") and self.tables:
            self.cell = [tag, attrs.get("scope"), ""]
        elif tag == "caption":
            self.caption = ""

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None:
            self.tables[-1]["rows"][-1].append((self.cell[0], self.cell[1], " ".join(self.cell[2].split())))
            self.cell = None
        elif tag == "caption" and self.caption is not None:
            self.tables[-1]["caption"] = " ".join(self.caption.split())
            self.caption = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[2] += data
        elif self.caption is not None:
            self.caption += data


def stories_table(html):
    parser = _Tables()
    parser.feed(html)
    (table,) = [table for table in parser.tables if "report-stories" in table["class"]]
    return table


def table_numbers(table):
    return [[int(text) for tag, _scope, text in row if tag == "td"] for row in table["rows"][1:]]


# The content


def test_the_content_counts_the_stories_of_the_period_of_the_plan_and_in_all(content, reports):
    previous, _june = reports

    assert content["schema"] == SCHEMA_VERSION == 2
    assert content["report"]["period_start"] == PERIOD_START.isoformat()
    assert content["report"]["previous_report"]["id"] == previous.pk
    assert content["stories"] == EXPECTED


def test_the_first_reports_period_is_the_plans(plan, draft_report):
    make_stories()
    draft_report.as_of = AS_OF

    stories = build_content(report=draft_report)["stories"]

    assert stories["period"] == stories["plan"] == EXPECTED["plan"]
    assert stories["to_date"] == EXPECTED["to_date"]


def test_a_frozen_reports_numbers_do_not_move_with_the_stories(reports):
    _previous, june = reports
    rendered = render_file(june.content, format="csv", language="en")
    make_stories()  # as many again, after it was frozen

    june.refresh_from_db()
    assert june.content["stories"] == EXPECTED
    assert render_file(june.content, format="csv", language="en") == rendered
    assert build_content(report=june)["stories"] != EXPECTED  # a draft of it now would differ


# The same numbers everywhere


def test_the_page_shows_them_in_a_table_with_headers(reports):
    response = Client().get(reverse("reports:detail", args=[reports[1].pk]))

    assert response.status_code == 200
    table = stories_table(response.content.decode())
    assert table["caption"] == "User stories as of June 30, 2020"
    header, *rows = table["rows"]
    assert header == [("th", "col", text) for text in HEADERS["en"]]
    assert [row[0] for row in rows] == [("th", "row", text) for text in ROWS["en"]]
    assert table_numbers(table) == NUMBERS
    assert '<h2 id="report-stories">Open data user stories</h2>' in response.content.decode()


def test_the_api_status_gives_the_reports_numbers_since_the_plan_began_and_in_all(content):
    response = APIClient().get("/api/v1/work-plans/2020/status/", {"as_of": AS_OF.isoformat()})

    assert response.status_code == 200
    assert response.json()["stories"] == {"plan": content["stories"]["plan"], "to_date": content["stories"]["to_date"]}
    assert response.json()["stories"] == {"plan": EXPECTED["plan"], "to_date": EXPECTED["to_date"]}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_pdf_shows_the_table(content, language):
    text = pdf_text(render_file(content, format="pdf", language=language))

    rows = [" ".join([label, *map(str, numbers)]) for label, numbers in zip(ROWS[language], NUMBERS, strict=True)]
    heading = "Open data user stories" if language == "en" else french("Open data user stories")
    section = text.split(flat(heading), 1)[1]
    assert flat(" ".join(HEADERS[language])) in section
    assert rows[0] in section and rows[1] in section


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_xlsx_summary_shows_the_table(content, language):
    workbook = openpyxl.load_workbook(io.BytesIO(render_file(content, format="xlsx", language=language)))
    rows = [[cell for cell in row if cell is not None] for row in workbook.worksheets[0].iter_rows(values_only=True)]

    header = rows.index(HEADERS[language])
    assert rows[header + 1 : header + 3] == [
        [label, *numbers] for label, numbers in zip(ROWS[language], NUMBERS, strict=True)
    ]
    heading = "Open data user stories" if language == "en" else french("Open data user stories")
    assert rows[header - 1] == [heading]
    assert workbook.worksheets[0].cell(row=header + 2, column=2).data_type == "n"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_csv_row_carries_the_numbers_under_named_columns(content, language):
    header, *rows = csv_rows(render_file(content, format="csv", language=language))

    assert header[-6:] == CSV_HEADERS[language]
    expected = [str(number) for numbers in NUMBERS for number in numbers]
    assert [row[-6:] for row in rows] == [expected] * 4
    assert len(header) == 13 + 6


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_deck_has_a_slide_with_the_table(content, language):
    slides = pptx_texts(render_file(content, format="pptx", language=language))

    heading = "Open data user stories" if language == "en" else french("Open data user stories")
    (slide,) = [slide for slide in slides if slide.startswith(heading)]
    assert flat(" ".join(HEADERS[language])) in slide
    for label, numbers in zip(ROWS[language], NUMBERS, strict=True):
        assert " ".join([label, *map(str, numbers)]) in slide


def test_the_french_page_has_no_english_in_the_section(reports):
    with translation.override("fr"):
        url = reverse("reports:detail", args=[reports[1].pk])
    html = Client().get(url).content.decode()

    table = stories_table(html)
    assert table["caption"] == "Récits d'utilisateurs au 30 juin 2020"
    assert [text for _tag, _scope, text in table["rows"][0]] == HEADERS["fr"]
    assert table_numbers(table) == NUMBERS
    section = html.split('<section class="report-section" aria-labelledby="report-stories">')[1].split("</section>")[0]
    for english in ("Received", "Published", "User stories", "In all", "period", "story"):
        assert english not in section
    note = french(
        "A story counts as received on the day it was submitted, whatever became of it since (under review, "
        "published or rejected), and as published on the day it was published, if it is still public."
    )
    assert escape(note) in section


# A content frozen before reports counted stories


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_older_content_renders_in_every_format_without_the_section(content, language):
    older = old(content)
    heading = "Open data user stories" if language == "en" else french("Open data user stories")

    html = render_html(older, language=language)
    assert 'id="report-stories"' not in html and "report-stories" not in html
    assert f"<h1>{content['report']['title'][language]}</h1>" in html  # the rest of the report is there
    assert flat(heading) not in pdf_text(render_file(older, format="pdf", language=language))
    workbook = openpyxl.load_workbook(io.BytesIO(render_file(older, format="xlsx", language=language)))
    summary = [cell for row in workbook.worksheets[0].iter_rows(values_only=True) for cell in row if cell]
    assert heading not in summary and HEADERS[language][1] not in summary
    assert not any(
        slide.startswith(heading) for slide in pptx_texts(render_file(older, format="pptx", language=language))
    )
    header, *rows = csv_rows(render_file(older, format="csv", language=language))
    assert len(header) == 13 and {len(row) for row in rows} == {13}


def test_an_older_frozen_report_still_shows_on_its_page(content, reports):
    june = reports[1]
    june.content = old(content)
    june.save(update_fields=["content"])

    response = Client().get(reverse("reports:detail", args=[june.pk]))

    assert response.status_code == 200
    assert 'id="report-stories"' not in response.content.decode()
    assert "June report" in response.content.decode()


# What changed


def test_the_changes_give_the_stories_in_all_before_and_now(reports):
    previous, june = reports

    changes = compare(previous.content, june.content)

    assert changes["stories"] == {
        "received_before": previous.content["stories"]["to_date"]["received"],
        "received_after": EXPECTED["to_date"]["received"],
        "published_before": previous.content["stories"]["to_date"]["published"],
        "published_after": EXPECTED["to_date"]["published"],
    }
    # Up to 29 February: the story of 2019, those of 15 January and 10 February; one published.
    assert (changes["stories"]["received_before"], changes["stories"]["published_before"]) == (3, 1)


def test_the_first_report_compared_with_nothing_had_no_story_before(reports):
    changes = compare(None, reports[1].content)

    assert (changes["stories"]["received_before"], changes["stories"]["published_before"]) == (0, 0)


def test_compared_with_an_older_content_the_before_was_not_counted(reports):
    previous, june = reports

    assert compare(old(previous.content), june.content)["stories"]["received_before"] is None
    assert compare(previous.content, old(june.content))["stories"] is None
    assert compare(old(previous.content), old(june.content))["stories"] is None


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_changes_page_shows_the_stories_table(reports, language):
    previous, june = reports
    previous = report_publish(report=previous)
    with translation.override(language):
        url = reverse("reports:changes", args=[june.pk])

    html = Client().get(url).content.decode()

    table = stories_table(html)
    assert [row[0] for row in table["rows"][1:]] == [("th", "row", text) for text in ROWS[language]]
    assert [[text for tag, _s, text in row if tag == "td"] for row in table["rows"][1:]] == [["3", "10"], ["1", "4"]]


def test_the_changes_page_of_an_older_report_says_the_stories_were_not_counted(reports):
    previous, june = reports
    previous.content = old(previous.content)
    previous.save(update_fields=["content"])
    report_publish(report=previous)

    html = Client().get(reverse("reports:changes", args=[june.pk])).content.decode()

    assert "<td>not counted</td><td>10</td>" in html
    assert "<td>not counted</td><td>4</td>" in html
