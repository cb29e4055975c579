"""An uploaded sheet is bounded and read defensively: its size once unpacked, the rows
scanned, the notes' length; the tab read is the one the download wrote, whatever tab was
left active; a damaged or odd workbook is the sheet's own error, never a 500."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import PatternFill

from cogwg.choices import PublicationState
from cogwg.cycle_sheets import CONTENT_TYPE, SheetInvalid, sheet_read
from tests.cycles.test_sheets import dashboard, download, errors, fill, upload
from workplan.choices import MilestoneStatus
from workplan.models import ProgressUpdate

pytestmark = pytest.mark.django_db


def saved(workbook) -> bytes:
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()


def rezipped(content: bytes, change) -> bytes:
    """``content`` (an .xlsx) with its members passed through ``change(name, data)``;
    ``change`` may return extra members as a dict under the name ``None``."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info.filename)))
        for name, data in (change(None, b"") or {}).items():
            target.writestr(name, data)
    return output.getvalue()


def post(client, cycle, content, jurisdiction):
    sheet = SimpleUploadedFile("updates.xlsx", content, content_type=CONTENT_TYPE)
    return client.post(dashboard(cycle), {"jurisdiction": jurisdiction.pk, "sheet": sheet})


def saved_updates(cycle):
    return list(ProgressUpdate.objects.filter(jurisdiction=cycle.on).values_list("milestone", "progress"))


# Size


def test_a_sheet_that_unpacks_to_more_than_10_mb_is_refused_before_it_is_read(cycle, staff_client):
    workbook = download(staff_client, cycle, "ON")
    fill(workbook, 2, "on_track", 30)
    padded = rezipped(
        saved(workbook),
        lambda name, data: {"xl/padding.bin": b"\0" * (11 * 1024 * 1024)} if name is None else data,
    )
    assert len(padded) < 2 * 1024 * 1024

    response = post(staff_client, cycle, padded, cycle.on)

    assert errors(response) == [
        (None, "", "The file is too large once unpacked (at most 10 MB): upload the sheet as downloaded.")
    ]
    assert saved_updates(cycle) == []


def test_an_over_long_note_is_a_row_error(cycle, staff_client):
    workbook = download(staff_client, cycle, "ON")
    fill(workbook, 2, "on_track", 30, "x" * 5001, "Inventaire en cours")
    fill(workbook, 3, "on_track", 40, "Fine", "y" * 5000)

    response = upload(staff_client, cycle, workbook, cycle.on)

    assert errors(response) == [(2, "Note (English)", "A note is at most 5000 characters long; this one has 5001.")]
    assert saved_updates(cycle) == []


# Rows


def test_formatted_blank_rows_do_not_count(cycle, staff_client):
    workbook = download(staff_client, cycle, "ON")
    fill(workbook, 2, "on_track", 30)
    yellow = PatternFill("solid", fgColor="FFFF00")
    for row in range(2, 1501):
        workbook.active[f"K{row}"].fill = yellow

    response = upload(staff_client, cycle, workbook, cycle.on)

    assert response.status_code == 302
    assert saved_updates(cycle) == [(cycle.march.pk, 30)]


def test_the_rows_scanned_are_bounded(cycle, staff_client):
    workbook = download(staff_client, cycle, "ON")
    fill(workbook, 2, "on_track", 30)
    workbook.active["B10001"] = "far below"

    response = upload(staff_client, cycle, workbook, cycle.on)

    assert errors(response) == [
        (
            None,
            "",
            "The sheet is too long: only its first 10000 rows are read. Delete the rows below your updates.",
        )
    ]
    assert saved_updates(cycle) == []


def test_a_boolean_progress_is_refused(cycle, staff_client):
    workbook = download(staff_client, cycle, "ON")
    fill(workbook, 2, "on_track", True)

    response = upload(staff_client, cycle, workbook, cycle.on)

    assert errors(response) == [(2, "New progress (%)", "Progress must be a whole number between 0 and 100.")]
    assert saved_updates(cycle) == []


# Tabs


def test_the_downloaded_tab_is_read_when_a_chart_sheet_was_left_active(cycle, staff_client):
    workbook = download(staff_client, cycle, "ON")
    fill(workbook, 2, "on_track", 30)
    chart = BarChart()
    chart.add_data(Reference(workbook.active, min_col=6, min_row=1, max_row=4), titles_from_data=True)
    workbook.create_chartsheet("Chart").add_chart(chart)
    workbook.active = 1

    response = upload(staff_client, cycle, workbook, cycle.on)

    assert response.status_code == 302
    assert saved_updates(cycle) == [(cycle.march.pk, 30)]


def test_the_downloaded_tab_is_read_when_another_tab_was_left_active(cycle, staff_client):
    workbook = download(staff_client, cycle, "ON")
    fill(workbook, 2, "on_track", 30)
    workbook.create_sheet("Notes")["A1"] = "scratch"
    workbook.active = 1

    response = upload(staff_client, cycle, workbook, cycle.on)

    assert response.status_code == 302
    assert ProgressUpdate.objects.get(jurisdiction=cycle.on).publication_state == PublicationState.SUBMITTED


def test_a_workbook_without_the_downloaded_tab_is_refused(cycle, staff_client):
    workbook = download(staff_client, cycle, "ON")
    fill(workbook, 2, "on_track", 30)
    workbook.active.title = "Renamed"
    workbook.create_sheet("Notes")

    response = upload(staff_client, cycle, workbook, cycle.on)

    assert errors(response) == [
        (None, "", 'The workbook has no tab "ON": upload the sheet downloaded for Ontario.'),
    ]
    assert saved_updates(cycle) == []


def test_a_lone_chart_sheet_is_refused(cycle):
    workbook = Workbook()
    chart = BarChart()
    chart.add_data(Reference(workbook.active, min_col=1, min_row=1, max_row=2))
    workbook.create_chartsheet("ON").add_chart(chart)
    workbook.remove(workbook.worksheets[0])

    with pytest.raises(SheetInvalid) as invalid:
        sheet_read(period=cycle.period, jurisdiction=cycle.on, file=io.BytesIO(saved(workbook)))

    assert [error.message for error in invalid.value.errors] == [
        'The workbook has no tab "ON": upload the sheet downloaded for Ontario.'
    ]


def test_a_chart_sheet_without_a_chart_is_not_a_500(cycle, staff_client):
    workbook = download(staff_client, cycle, "ON")
    fill(workbook, 2, "on_track", 30)
    workbook.create_chartsheet()
    workbook.active = 1

    response = upload(staff_client, cycle, workbook, cycle.on)

    assert errors(response) == [(None, "", "This is not an Excel (.xlsx) file.")]
    assert saved_updates(cycle) == []


def test_invalid_worksheet_xml_is_a_damaged_sheet(cycle, staff_client):
    workbook = download(staff_client, cycle, "ON")
    fill(workbook, 2, "on_track", 30, "placeholder")

    def damage(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b"placeholder", b"bad &#0; character")
        return None if name is None else data

    response = post(staff_client, cycle, rezipped(saved(workbook), damage), cycle.on)

    assert errors(response) == [
        (None, "", "The sheet cannot be read: it is damaged. Download it again and fill it in."),
    ]
    assert saved_updates(cycle) == []


def test_a_sheet_in_french_still_reads(cycle, staff_client):
    workbook = download(staff_client, cycle, "ON", language="fr")
    fill(workbook, 2, "Terminé", 100)

    response = upload(staff_client, cycle, workbook, cycle.on, language="fr")

    assert response.status_code == 302
    assert ProgressUpdate.objects.get(jurisdiction=cycle.on).status == MilestoneStatus.COMPLETED
