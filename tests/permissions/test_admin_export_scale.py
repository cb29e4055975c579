"""The admin's exports at scale (cogwg/admin_export.py): a related record is labelled once
per export, not once per row; the CSV is streamed, in the reader's language, a few hundred
rows at a time; the XLSX, a write-only workbook, holds what it held when each cell was
styled on its own (values, types, formats and styles). bench/exports.py times them."""

import csv
import datetime
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from cogwg import admin_export
from cogwg.choices import PublicationState
from stories.models import Theme
from tests.factories import (
    JurisdictionFactory,
    MilestoneFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    ThemeFactory,
    UserStoryFactory,
    WorkPlanFactory,
)
from tests.permissions.test_admin_export import csv_rows, export_url
from workplan.choices import MilestoneStatus
from workplan.models import Milestone, Priority, ProgressUpdate


def count_labels(monkeypatch, model):
    """The calls of ``model.__str__`` from now on."""
    calls = []
    label = model.__str__

    def counted(record):
        calls.append(record.pk)
        return label(record)

    monkeypatch.setattr(model, "__str__", counted)
    return calls


def updates(milestones, count):
    for milestone in milestones:
        ProgressUpdateFactory.create_batch(count, milestone=milestone)


# Each related record labelled once


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_related_record_is_labelled_once_per_export_not_per_row(staff_client, monkeypatch, file_format):
    priority = PriorityFactory(work_plan=WorkPlanFactory(slug="2020"), number=1, title_en="Open by default")
    milestones = MilestoneFactory.create_batch(2, priority=priority)
    updates(milestones, 1)
    milestone_labels = count_labels(monkeypatch, Milestone)
    priority_labels = count_labels(monkeypatch, Priority)

    staff_client.get(export_url("workplan_progressupdate", file_format)).getvalue()
    few = (len(milestone_labels), len(priority_labels))
    updates(milestones, 4)
    milestone_labels.clear()
    priority_labels.clear()
    response = staff_client.get(export_url("workplan_progressupdate", file_format))
    response.getvalue()

    # Ten updates of two milestones of one priority: two milestones and one priority named.
    assert few == (len(milestone_labels), len(priority_labels)) == (2, 1)
    assert sorted(milestone_labels) == sorted(milestone.pk for milestone in milestones)


def test_the_records_a_row_holds_many_of_are_labelled_once_per_export(staff_client, monkeypatch):
    themes = [ThemeFactory(name_en="Health"), ThemeFactory(name_en="Transit")]
    jurisdiction = JurisdictionFactory()
    UserStoryFactory(jurisdiction=jurisdiction).themes.set(themes)
    theme_labels = count_labels(monkeypatch, Theme)

    one = csv_rows(staff_client.get(export_url("stories_userstory")))
    labelled_for_one = len(theme_labels)
    for _ in range(4):
        UserStoryFactory(jurisdiction=jurisdiction).themes.set(themes)
    theme_labels.clear()
    five = csv_rows(staff_client.get(export_url("stories_userstory")))

    assert len(theme_labels) == labelled_for_one
    assert [row[4] for row in one[1:]] == ["Health, Transit"]
    assert [row[4] for row in five[1:]] == ["Health, Transit"] * 5


def test_choices_are_named_in_the_readers_language_in_every_row(staff_client):
    priority = PriorityFactory(work_plan=WorkPlanFactory(slug="2020"), number=1)
    MilestoneFactory(priority=priority, status=MilestoneStatus.DELAYED)
    MilestoneFactory(priority=priority, status=MilestoneStatus.DELAYED)

    english = csv_rows(staff_client.get(export_url("workplan_milestone")))
    french = csv_rows(staff_client.get(export_url("workplan_milestone", language="fr")))

    assert [row[5] for row in english[1:]] == ["Delayed", "Delayed"]
    assert [row[5] for row in french[1:]] == ["Retardé", "Retardé"]


# The CSV, streamed


def test_the_csv_is_streamed_in_pieces_of_rows_with_one_byte_order_mark(staff_client, monkeypatch):
    priority = PriorityFactory(work_plan=WorkPlanFactory(slug="2020"), number=1)
    MilestoneFactory.create_batch(5, priority=priority)
    monkeypatch.setattr(admin_export, "CSV_CHUNK_ROWS", 2)

    response = staff_client.get(export_url("workplan_milestone"))
    chunks = list(response.streaming_content)

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    # The header and rows 1-2, rows 3-4, row 5.
    assert [chunk.count(b"\r\n") for chunk in chunks] == [3, 2, 1]
    assert chunks[0].startswith(b"\xef\xbb\xbfWork plan,")
    assert not any(chunk.startswith(b"\xef\xbb\xbf") for chunk in chunks[1:])
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert len(rows) == 1 + 5


def test_a_streamed_csv_keeps_the_readers_language_whatever_is_active_as_it_is_sent(staff_client):
    priority = PriorityFactory(work_plan=WorkPlanFactory(slug="2020"), number=1, title_fr="Ouvert par défaut")
    MilestoneFactory(priority=priority, description_fr="Publier l'inventaire", status=MilestoneStatus.DELAYED)

    response = staff_client.get(export_url("workplan_milestone", language="fr"))
    with translation.override("en"):  # the server's thread, as it sends the pieces
        rows = csv_rows(response)

    assert rows[0][:2] == ["Plan de travail", "Priorité"]
    assert rows[1][1:6] == ["1. Ouvert par défaut", "2020-06-30", "Publier l'inventaire", "Livrable", "Retardé"]


def test_an_empty_list_exports_its_header_alone(staff_client):
    as_csv = staff_client.get(export_url("workplan_progressupdate")).getvalue()
    as_xlsx = load_workbook(io.BytesIO(staff_client.get(export_url("workplan_progressupdate", "xlsx")).content))

    assert as_csv.decode("utf-8-sig").count("\r\n") == 1
    assert as_xlsx.active.max_row == 1
    assert as_xlsx.active.auto_filter.ref == "A1:J1"


# The XLSX, as it was


@pytest.fixture
def two_updates(db):
    """A published update (a note a spreadsheet would run as a formula, a date, a number,
    a date and time) and a draft one (no jurisdiction, no publication date)."""
    priority = PriorityFactory(work_plan=WorkPlanFactory(slug="2020"), number=3, title_en="Open by default")
    milestone = MilestoneFactory(priority=priority, description_en="Publish the inventory")
    ProgressUpdateFactory(
        milestone=milestone,
        reported_on=datetime.date(2020, 4, 1),
        progress=50,
        note_en="=SUM(A1:A2) \x07rang",
        jurisdiction=JurisdictionFactory(name_en="Ontario"),
        published_at=datetime.datetime(2020, 4, 2, 15, 30, 42, tzinfo=datetime.UTC),
    )
    ProgressUpdateFactory(
        milestone=milestone,
        reported_on=datetime.date(2020, 3, 1),
        progress=20,
        note_en="+1 800 and @someone",
        publication_state=PublicationState.DRAFT,
        published_at=None,
    )


def test_the_xlsx_cells_keep_their_values_and_types(staff_client, two_updates, settings):
    settings.TIME_ZONE = "America/Toronto"

    response = staff_client.get(export_url("workplan_progressupdate", "xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    published, draft = sheet[2], sheet[3]

    assert [cell.value for cell in published] == [
        "3. Open by default",
        "June 2020: Publish the inventory",
        datetime.datetime(2020, 4, 1),
        "On track",
        50,
        "=SUM(A1:A2) rang",
        "Ontario",
        "—",
        "Published",
        "2020-04-02T11:30-04:00",  # local time, to the minute, with its offset
    ]
    assert [cell.data_type for cell in published] == ["s", "s", "d", "s", "n", "s", "s", "s", "s", "s"]
    # Text that looks like a formula is text, never a formula, in the file as read back.
    assert published[5].data_type == "s"
    assert draft[5].value == "+1 800 and @someone"
    assert (published[2].number_format, published[9].number_format) == ("yyyy-mm-dd", "General")
    # A column's empty cell takes no date format from the dates above it.
    assert (draft[6].value, draft[9].value) == (None, None)
    assert (draft[6].number_format, draft[9].number_format) == ("General", "General")


def test_the_xlsx_keeps_its_styles_widths_filter_and_size(staff_client, two_updates):
    content = staff_client.get(export_url("workplan_progressupdate", "xlsx")).content
    sheet = load_workbook(io.BytesIO(content)).active
    read_only = load_workbook(io.BytesIO(content), read_only=True).active

    header, rows = sheet[1], [*sheet[2], *sheet[3]]
    assert all(cell.font.b and cell.font.color.rgb == "00FFFFFF" for cell in header)
    assert all(cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb == "0026374A" for cell in header)
    assert all(cell.alignment.wrap_text and cell.alignment.vertical == "top" for cell in [*header, *rows])
    assert not any(cell.font.b or cell.fill.fill_type for cell in rows)
    assert {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()} == {
        "A": 28,
        "B": 28,
        "C": 12,
        "D": 28,
        "E": 12,
        "F": 60,
        "G": 28,
        "H": 28,
        "I": 28,
        "J": 12,
    }
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:J3"
    # The size a reader takes from the sheet's top without reading its rows.
    assert (read_only.max_row, read_only.max_column) == (3, 10)


def test_a_note_that_reads_as_an_error_code_stays_text(staff_client, two_updates):
    ProgressUpdate.objects.filter(progress=20).update(note_en="#N/A")

    response = staff_client.get(export_url("workplan_progressupdate", "xlsx"))
    draft = load_workbook(io.BytesIO(response.content)).active[3]

    assert (draft[5].value, draft[5].data_type) == ("#N/A", "s")
