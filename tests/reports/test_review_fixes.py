"""Fixes after review: the reports' formats agree with each other and with the page, in
both languages, and odd dates and addresses are refused rather than failing."""

import csv
import datetime
import io
import re

import openpyxl
import pptx
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext
from rest_framework.test import APIClient

from cogwg.choices import StatusReportState
from cogwg.models import StatusReport, StatusReportFile
from cogwg.reports.content import DUE_WINDOW_DAYS, build_content
from cogwg.reports.render import render_file
from cogwg.reports.render.html import render_html
from cogwg.reports.services import report_file_name, report_freeze, report_publish
from tests.factories import StatusReportFactory
from tests.test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """A request to a /fr/ page leaves French active in the thread: start from English."""
    with translation.override("en"):
        yield


@pytest.fixture
def content(plan, draft_report):
    return build_content(report=draft_report)


def flat(text):
    """Runs of white space as one space, a non-breaking space kept."""
    return re.sub(r"[^\S\u00a0]+", " ", text)


def summary_rows(data):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return workbook, {row[0].value: row for row in workbook.worksheets[0].iter_rows() if row[0].value}


def csv_rows(data):
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def pptx_texts(data):
    slides = []
    for slide in pptx.Presentation(io.BytesIO(data)).slides:
        texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        texts += [
            cell.text for shape in slide.shapes if shape.has_table for row in shape.table.rows for cell in row.cells
        ]
        slides.append(flat(" ".join(texts)))
    return slides


# 1. Progress in the files is the whole percent the page shows.


@pytest.fixture
def half_percent(content):
    """Progress figures that round differently half up (33) and half to even (32)."""
    content["work_plan"]["progress"] = 32.5
    content["priorities"][0]["progress"] = 32.5
    return content


@pytest.mark.parametrize(
    ("language", "shown", "number_format"), [("en", "33%", '0"%"'), ("fr", "33\u00a0%", '0"\u00a0%"')]
)
def test_xlsx_progress_is_the_pages_whole_percent_kept_as_a_number(half_percent, language, shown, number_format):
    workbook, rows = summary_rows(render_file(half_percent, format="xlsx", language=language))

    with translation.override(language):
        progress = gettext("Progress (%)")
    assert f'<td class="number">{shown}</td>' in render_html(half_percent, language=language)
    plan = rows[progress][1]
    priority = next(row for key, row in rows.items() if key.startswith("1. "))[2]
    sheet_progress = next(row for row in workbook.worksheets[1].iter_rows() if row[0].value == progress)[1]
    for cell in (plan, priority, sheet_progress):
        assert (cell.value, cell.number_format) == (33, number_format)


def test_csv_priority_progress_is_the_pages_whole_percent(half_percent):
    rows = csv_rows(render_file(half_percent, format="csv", language="en"))

    assert [row["Priority progress (%)"] for row in rows if row["Priority number"] == "1"] == ["33", "33"]
    assert [row["Progress (%)"] for row in rows if row["Priority number"] == "1"] == ["40", "0"]


# 2. A report's as-of date is a day of its plan's period, or shortly after.

LAST_DAY = datetime.date(9999, 12, 31)
AS_OF_EN = (
    "A status report is as of a day of its work plan's period, Jan. 1, 2020 to Dec. 31, 2020, "
    "or at most 180 days after it ends."
)
AS_OF_FR = (
    "Un rapport d'étape est établi en date d'un jour de la période de son plan de travail, du 1er janvier 2020 "
    "au 31 décembre 2020, ou d'au plus 180 jours après sa fin."
)


@pytest.mark.parametrize(
    "as_of",
    [datetime.date(2020, 1, 1), datetime.date(2020, 12, 31), datetime.date(2021, 6, 29)],
    ids=["first day", "last day", "180 days after"],
)
def test_a_report_as_of_its_plans_period_or_shortly_after_is_valid(plan, as_of):
    StatusReportFactory.build(work_plan=plan.work_plan, as_of=as_of).clean()


@pytest.mark.parametrize(
    "as_of",
    [datetime.date(2019, 12, 31), datetime.date(2021, 6, 30), LAST_DAY],
    ids=["day before", "181 days after", "9999-12-31"],
)
def test_a_report_as_of_another_day_is_refused_on_its_as_of_date(plan, as_of):
    with pytest.raises(ValidationError) as error:
        StatusReportFactory.build(work_plan=plan.work_plan, as_of=as_of).clean()

    assert error.value.message_dict == {"as_of": [AS_OF_EN]}


@pytest.fixture
def late_draft(plan):
    """A draft saved before its as-of date was validated."""
    return StatusReportFactory(work_plan=plan.work_plan, as_of=LAST_DAY)


def test_content_as_of_the_last_day_there_is_has_nothing_due(late_draft):
    content = build_content(report=late_draft)

    assert [priority["due"] for priority in content["priorities"]] == [[], []]


def test_a_milestone_is_due_up_to_the_windows_last_day(plan, draft_report):
    draft_report.as_of = plan.release.due_date - datetime.timedelta(days=DUE_WINDOW_DAYS)
    due = build_content(report=draft_report)["priorities"][0]["due"]
    draft_report.as_of -= datetime.timedelta(days=1)
    not_yet = build_content(report=draft_report)["priorities"][0]["due"]

    assert (due, not_yet) == ([plan.release.pk], [])


@pytest.mark.parametrize(("language", "message"), [("en", AS_OF_EN), ("fr", AS_OF_FR)])
def test_freezing_a_report_as_of_9999_through_the_api_is_a_400_on_as_of(staff_api, late_draft, language, message):
    response = staff_api.post(f"/api/v1/status-reports/{late_draft.pk}/freeze/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert response.json() == {"as_of": [message]}
    late_draft.refresh_from_db()
    assert (late_draft.state, late_draft.content, late_draft.files.count()) == (StatusReportState.DRAFT, None, 0)


def test_the_preview_of_a_draft_as_of_9999_is_shown(staff_client, late_draft):
    response = staff_client.get(reverse("reports:detail", args=[late_draft.pk]))

    assert response.status_code == 200
    assert "Status as of December 31, 9999" in response.content.decode()


@pytest.mark.parametrize(("language", "message"), [("en", AS_OF_EN), ("fr", AS_OF_FR)])
def test_the_admin_refuses_a_report_as_of_9999_on_its_as_of_date(staff_client, plan, language, message):
    with translation.override(language):
        url = admin_url(StatusReport, "add")
    page = staff_client.get(url)
    data = form_data(page) | {
        "title_en": "Late report",
        "title_fr": "Rapport tardif",
        "work_plan": plan.work_plan.pk,
        "as_of": "9999-12-31",
    }

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"as_of": [message]}
    assert not StatusReport.objects.filter(title_en="Late report").exists()


# 3. A report id beyond 64 bits is a report that does not exist.

BEYOND_64_BITS = 2**63


@pytest.mark.parametrize("name", ["detail", "changes", "file"])
def test_a_report_id_beyond_64_bits_is_a_404_on_every_report_address(staff_client, name):
    kwargs = {"pk": BEYOND_64_BITS} | ({"language": "en", "format": "pdf"} if name == "file" else {})
    url = reverse(f"reports:{name}", kwargs=kwargs)

    assert (Client().get(url).status_code, staff_client.get(url).status_code) == (404, 404)


# 4. The changes and files of a report are JSON only, and say so.


@pytest.mark.parametrize("address", ["changes", "files"])
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This address has no “csv” format: it answers in json."),
        ("fr", "Cette adresse n'a pas de format «\u00a0csv\u00a0»\u00a0: elle répond en json."),
    ],
)
def test_a_reports_changes_and_files_in_csv_are_a_404_naming_json(draft_report, address, language, message):
    report = report_publish(report=report_freeze(report=draft_report))
    api = APIClient()
    url = f"/api/v1/status-reports/{report.pk}/{address}/"

    response = api.get(url, {"format": "csv", "lang": language})

    assert response.status_code == 404
    assert response.json() == {"detail": message}
    assert api.get(url, {"format": "json"}).status_code == 200


# 5. French puts a non-breaking space before a colon, in every format.


def test_the_french_report_document_puts_a_non_breaking_space_before_each_colon(content):
    """The document the page shows and the PDF prints."""
    html = render_html(content, language="fr")

    assert "<li>10 février 2020 (mars 2020)\u00a0: Inventaire commencé avec cinq récits.</li>" in html
    assert "<strong>Yukon</strong>\u00a0: Le Yukon a lancé son portail de données ouvertes" in html
    assert "<strong>mars 2020</strong>\u00a0: Inventaire initial des récits d&#x27;utilisateurs établi." in html


def test_the_english_report_keeps_its_colons_tight(content):
    html = render_html(content, language="en")

    assert "<li>February 10, 2020 (March 2020): Inventory started with five stories.</li>" in html
    assert "<strong>Yukon</strong>: Yukon has launched its open data portal" in html
    assert "<strong>March 2020</strong>: Initial inventory of user stories established." in html
    assert "\u00a0:" not in html


def test_the_french_pptx_accomplishments_put_a_non_breaking_space_before_the_colon(content):
    slides = pptx_texts(render_file(content, format="pptx", language="fr"))

    assert any("Yukon\u00a0: Le Yukon a lancé son portail de données ouvertes" in slide for slide in slides)
    assert not any("Yukon:" in slide or "Yukon :" in slide for slide in slides)


def test_the_french_draft_banner_puts_a_non_breaking_space_before_its_colon(staff_client, draft_report):
    with translation.override("fr"):
        url = reverse("reports:detail", args=[draft_report.pk])

    html = staff_client.get(url).content.decode()

    assert "Ébauche de rapport\u00a0: calculée à partir des données d'aujourd'hui, pas encore figée." in html


# 6. Every format leaves out an empty purpose, says when nothing was reported, and states
# the period reported on.

PERIOD = "Reported from January 1, 2020 to February 27, 2020."


@pytest.fixture
def nothing_reported(content):
    """A report of no meeting (no purpose, no next steps) in a period with nothing reported."""
    content |= {"meeting": None, "purpose": {"en": [], "fr": []}, "next_steps": []}
    content |= {"accomplishments": [], "challenges": []}
    return content


def xlsx_values(data):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for row in workbook.worksheets[0].iter_rows(values_only=True) for cell in row if cell is not None]


def test_the_xlsx_leaves_out_an_empty_purpose_and_says_none_reported_like_the_page(nothing_reported):
    cells = xlsx_values(render_file(nothing_reported, format="xlsx", language="en"))
    html = render_html(nothing_reported, language="en")

    assert "Purpose" not in cells and "Purpose" not in html
    assert cells.count("None reported.") == html.count("None reported.") == 2
    assert "Jurisdiction" not in cells and "Challenge" not in cells  # no empty tables
    assert cells.count(PERIOD) == html.count(PERIOD) == 1


def test_the_xlsx_states_the_period_then_the_accomplishments_and_challenges(content):
    cells = xlsx_values(render_file(content, format="xlsx", language="en"))

    start = cells.index("Major jurisdictional milestones and challenges")
    assert cells[start + 1 : start + 7] == [
        PERIOD,
        "Jurisdictional accomplishments",
        "Jurisdiction",
        "Accomplishment",
        "Category",
        "Links",  # one a cell; "Link 1", "Link 2"… where an accomplishment has several
    ]
    assert "None reported." not in cells


def test_the_pptx_states_the_period_and_says_none_reported(nothing_reported):
    slides = pptx_texts(render_file(nothing_reported, format="pptx", language="en"))

    (slide,) = [slide for slide in slides if slide.startswith("Major jurisdictional milestones and challenges")]
    assert slide == (
        f"Major jurisdictional milestones and challenges {PERIOD} Jurisdictional accomplishments None reported. "
        "Ongoing challenges None reported."
    )
    assert not any(slide.startswith("Purpose") for slide in slides)


def test_the_period_is_stated_in_french_in_every_format(content):
    period = "Signalés du 1er janvier 2020 au 27 février 2020."

    assert period in xlsx_values(render_file(content, format="xlsx", language="fr"))
    assert any(period in slide for slide in pptx_texts(render_file(content, format="pptx", language="fr")))
    assert f'<p class="report-period">{period}</p>' in render_html(content, language="fr")


# 8. "Due" heading a count of milestones is not "Due" heading a date.


def test_the_count_of_milestones_due_soon_has_its_own_french_heading(content):
    with translation.override("fr"):
        assert (gettext("Due"), pgettext("count of milestones due soon", "Due")) == ("Échéance", "À échéance")
        completed, overdue = gettext("Completed"), gettext("Overdue")
    _workbook, rows = summary_rows(render_file(content, format="xlsx", language="fr"))
    slides = pptx_texts(render_file(content, format="pptx", language="fr"))
    html = render_html(content, language="fr")

    header = next(row for row in rows.values() if row[4].value == "À échéance")
    assert (header[3].value, header[5].value) == (completed, overdue)
    assert any(f"{completed} À échéance {overdue}" in slide for slide in slides)
    assert '<th scope="col" class="number">À échéance</th>' in html
    assert "Échéance" not in html


def test_the_count_heading_reads_due_in_english(content):
    assert '<th scope="col" class="number">Due</th>' in render_html(content, language="en")


# 9. A file is named from the report's title in its own language.


@pytest.mark.parametrize(
    ("language", "title_fr", "name"),
    [
        ("en", "Rapport d'étape de juillet", "status-report-july-2020-2020-02-27-en.pdf"),
        ("fr", "Rapport d'étape de juillet", "rapport-detape-de-juillet-2020-02-27-fr.pdf"),
        ("fr", "", "status-report-july-2020-2020-02-27-fr.pdf"),
    ],
    ids=["english", "french", "french never translated"],
)
def test_a_files_name_is_the_reports_title_in_the_files_language(draft_report, language, title_fr, name):
    draft_report.title_en, draft_report.title_fr = "Status report July 2020", title_fr

    assert report_file_name(StatusReportFile(report=draft_report, format="pdf", language=language)) == name
