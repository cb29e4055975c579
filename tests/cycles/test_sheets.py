"""The period's Excel sheet: downloaded pre-filled from the dashboard, filled in, uploaded
back. A good sheet becomes updates submitted for review; a sheet with one bad row is
refused whole, its errors listed by row and column, and nothing is saved."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from cogwg import cycles
from cogwg.choices import PublicationState
from cogwg.cycle_sheets import CONTENT_TYPE, SheetInvalid, sheet_read
from tests.cycles.conftest import AFTER_DEADLINE
from workplan.choices import MilestoneStatus
from workplan.models import ProgressUpdate

pytestmark = pytest.mark.django_db

STATUS, PROGRESS, NOTE_EN, NOTE_FR = "G", "H", "I", "J"


def dashboard(cycle, language="en"):
    with translation.override(language):
        return reverse("admin:cogwg_reportingperiod_dashboard", args=[cycle.period.pk])


def download(client, cycle, code="ON", language="en"):
    with translation.override(language):
        url = reverse("admin:cogwg_reportingperiod_sheet", args=[cycle.period.pk, code])
    response = client.get(url)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def upload(client, cycle, workbook, jurisdiction, language="en"):
    content = io.BytesIO()
    workbook.save(content)
    sheet = SimpleUploadedFile("updates.xlsx", content.getvalue(), content_type=CONTENT_TYPE)
    return client.post(dashboard(cycle, language), {"jurisdiction": jurisdiction.pk, "sheet": sheet})


def fill(workbook, row, status, progress, note_en="", note_fr=""):
    sheet = workbook.active
    sheet[f"{STATUS}{row}"], sheet[f"{PROGRESS}{row}"] = status, progress
    sheet[f"{NOTE_EN}{row}"], sheet[f"{NOTE_FR}{row}"] = note_en, note_fr


def errors(response):
    return [(error.row, error.column, error.message) for error in response.context["sheet_errors"]]


def test_the_sheet_lists_the_jurisdictions_milestones_with_their_current_status(cycle, staff_client):
    workbook = download(staff_client, cycle, "ON")

    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == (
        "Milestone id",
        "Priority",
        "Milestone",
        "Due",
        "Current status",
        "Current progress (%)",
        "New status",
        "New progress (%)",
        "Note (English)",
        "Note (French)",
    )
    assert [(row[0], row[2], row[3].date().isoformat(), row[4], row[5], row[6]) for row in rows[1:]] == [
        (cycle.march.pk, "Inventory", "2020-03-31", "Not started", 0, None),
        (cycle.june.pk, "Release", "2020-06-30", "Not started", 0, None),
        (cycle.guide.pk, "Guide", "2020-06-30", "Not started", 0, None),
    ]
    assert workbook.active.protection.sheet
    assert not workbook.active["G2"].protection.locked and workbook.active["A2"].protection.locked


def test_the_sheet_comes_in_the_users_language(cycle, staff_client):
    workbook = download(staff_client, cycle, "NS", language="fr")

    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[1][2] == cycle.guide.description_fr
    assert (rows[0][0], rows[1][4]) == ("Identifiant du jalon", "Non commencé")


def test_the_dashboard_offers_the_sheets_of_the_jurisdictions_with_a_seat(cycle, staff_client):
    response = staff_client.get(dashboard(cycle))

    assert [jurisdiction.code for jurisdiction, _url in response.context["sheets"]] == ["BC", "ON", "NS"]


def test_a_good_sheet_is_saved_as_updates_submitted_for_review(cycle, staff_client):
    workbook = download(staff_client, cycle, "ON")
    fill(workbook, 2, "On track", 30, "Inventory under way", "Inventaire en cours")
    fill(workbook, 4, "completed", 100.0)

    response = upload(staff_client, cycle, workbook, cycle.on)

    assert response.status_code == 302
    updates = ProgressUpdate.objects.filter(jurisdiction=cycle.on).order_by("milestone__due_date", "milestone__pk")
    assert [
        (u.milestone, u.status, u.progress, u.note_en, u.note_fr, u.publication_state, u.author.username)
        for u in updates
    ] == [
        (
            cycle.march,
            MilestoneStatus.ON_TRACK,
            30,
            "Inventory under way",
            "Inventaire en cours",
            PublicationState.SUBMITTED,
            "secretariat",
        ),
        (cycle.guide, MilestoneStatus.COMPLETED, 100, "", "", PublicationState.SUBMITTED, "secretariat"),
    ]
    # Not published: the milestones wait for the review (or the period's closing).
    cycle.march.refresh_from_db()
    assert (cycle.march.status, cycle.march.progress) == (MilestoneStatus.NOT_STARTED, 0)
    status = cycles.period_status(cycle.period)
    on = next(row for row in status.jurisdictions if row.jurisdiction == cycle.on)
    assert [seat.submitted for seat in on.seats] == [True, False, True]


def test_a_sheet_with_one_bad_row_is_refused_whole(cycle, staff_client):
    workbook = download(staff_client, cycle, "ON")
    fill(workbook, 2, "on_track", 30)
    fill(workbook, 3, "on_track", 150)
    fill(workbook, 4, "completed", 100)

    response = upload(staff_client, cycle, workbook, cycle.on)

    assert response.status_code == 200
    assert errors(response) == [(3, "New progress (%)", "Progress must be a whole number between 0 and 100.")]
    assert "Nothing was saved" in response.content.decode()
    assert not ProgressUpdate.objects.filter(jurisdiction=cycle.on).exists()


def test_every_bad_row_is_listed_with_its_column(cycle, staff_client):
    workbook = download(staff_client, cycle, "ON")
    fill(workbook, 2, "finished", 30)
    fill(workbook, 3, "completed", 80)
    fill(workbook, 4, "on_track", "half")
    workbook.active["A5"], workbook.active["G5"], workbook.active["H5"] = cycle.september.pk, "on_track", 10

    response = upload(staff_client, cycle, workbook, cycle.on)

    assert errors(response) == [
        (2, "New status", "Choose a valid status."),
        (3, "New progress (%)", "A completed milestone is 100% done."),
        (4, "New progress (%)", "Progress must be a whole number between 0 and 100."),
        (5, "Milestone id", "This is not one of the period's milestones for Ontario."),
    ]
    assert not ProgressUpdate.objects.filter(jurisdiction=cycle.on).exists()


def test_errors_come_in_the_users_language(cycle, staff_client):
    workbook = download(staff_client, cycle, "ON", language="fr")
    fill(workbook, 2, "En bonne voie", 150)

    response = upload(staff_client, cycle, workbook, cycle.on, language="fr")

    ((row, _column, message),) = errors(response)
    assert (row, message) == (2, "L'avancement doit être un nombre entier entre 0 et 100.")
    assert not ProgressUpdate.objects.filter(jurisdiction=cycle.on).exists()


def test_a_sheet_of_another_jurisdiction_is_refused(cycle, staff_client):
    workbook = download(staff_client, cycle, "ON")
    fill(workbook, 2, "on_track", 30)

    response = upload(staff_client, cycle, workbook, cycle.bc)

    assert errors(response) == [
        (None, "", "This sheet was downloaded for another reporting period or jurisdiction."),
    ]
    assert not ProgressUpdate.objects.filter(milestone=cycle.march).exists()


def test_a_file_that_is_not_a_sheet_is_refused(cycle, staff_client):
    sheet = SimpleUploadedFile("updates.xlsx", b"not a spreadsheet", content_type=CONTENT_TYPE)

    response = staff_client.post(dashboard(cycle), {"jurisdiction": cycle.on.pk, "sheet": sheet})

    assert errors(response) == [(None, "", "This is not an Excel (.xlsx) file.")]


def test_an_empty_sheet_saves_nothing(cycle):
    workbook = Workbook()
    workbook.active.append(["Milestone id"])
    content = io.BytesIO()
    workbook.save(content)
    content.seek(0)

    with pytest.raises(SheetInvalid) as invalid:
        sheet_read(period=cycle.period, jurisdiction=cycle.on, file=content)

    assert [error.message for error in invalid.value.errors] == [
        "The sheet has no update: fill in a new status and progress."
    ]


def test_a_closed_period_takes_no_sheet(cycle, staff_client):
    workbook = download(staff_client, cycle, "ON")
    fill(workbook, 2, "on_track", 30)
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)

    response = upload(staff_client, cycle, workbook, cycle.on)

    assert response.status_code == 200
    assert "closed" in str(response.context["form"].non_field_errors())
    assert not ProgressUpdate.objects.filter(jurisdiction=cycle.on).exists()


def test_no_sheet_for_an_unknown_jurisdiction(cycle, staff_client):
    response = staff_client.get(reverse("admin:cogwg_reportingperiod_sheet", args=[cycle.period.pk, "ZZ"]))

    assert response.status_code == 404


@pytest.mark.parametrize("number", ["²", "50²", "①", "\u0665\u0660"])
def test_a_number_written_with_other_digits_is_a_row_error_in_the_users_language(cycle, staff_client, number):
    # Digits to str.isdigit, but not to int(): a row error, not a 500.
    workbook = download(staff_client, cycle, "ON", language="fr")
    fill(workbook, 2, "En bonne voie", number)
    workbook.active["A3"], workbook.active["G3"], workbook.active["H3"] = number, "En bonne voie", 10

    response = upload(staff_client, cycle, workbook, cycle.on, language="fr")

    assert response.status_code == 200
    assert next((row, message) for row, _column, message in errors(response)) == (
        2,
        "L'avancement doit être un nombre entier entre 0 et 100.",
    )
    assert {row for row, _column, _message in errors(response)} == {2, 3}
    assert not ProgressUpdate.objects.filter(jurisdiction=cycle.on).exists()
