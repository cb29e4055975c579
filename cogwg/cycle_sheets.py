"""The reporting period's Excel sheet (openpyxl): written pre-filled with a jurisdiction's
milestones, read back row by row.

The sheet is read by column position, not by heading, so that a sheet downloaded in
French reads like one in English. Status is taken as its code (``on_track``) or its label
in either language; a row with neither status, progress nor note is left out (no update
on that milestone), and so are blank rows (formatted, say). The tab read is the one the
download wrote (named after the jurisdiction's code), whichever tab was left active.
An upload is bounded before it is read: its size, its size once unpacked, the rows
scanned and the notes' length. Every row is checked with ``workplan.services.progress_update_validate``
before anything is saved, and every error is reported with its row and column.
"""

import io
import zipfile
import zlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from workplan.choices import MilestoneStatus
from workplan.models import NOTE_MAX_LENGTH, Milestone
from workplan.services import progress_update_validate

from . import dates
from .cycles import jurisdiction_milestones, period_submit_updates

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# A sheet's parts once unpacked (the sum of the archive's member sizes, checked before
# anything is unpacked): a well-compressed 2 MB file could otherwise hold gigabytes. A
# filled-in sheet of a period's milestones is well under 1 MB.
MAX_UNPACKED_BYTES = 10 * 1024 * 1024
# Rows with something in them; blank rows are skipped but still scanned, up to a cap.
MAX_ROWS = 1000
MAX_SCANNED_ROWS = 10_000
# What a malformed part of a workbook raises while openpyxl parses it (XML errors are
# SyntaxErrors, from ElementTree or lxml; a damaged member is a zip or zlib error).
UNREADABLE = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    SyntaxError,
)

# (key, heading, width, filled in by the jurisdiction)
COLUMNS = [
    ("milestone", gettext_lazy("Milestone id"), 12, False),
    ("priority", gettext_lazy("Priority"), 30, False),
    ("description", gettext_lazy("Milestone"), 60, False),
    ("due", gettext_lazy("Due"), 12, False),
    ("current_status", gettext_lazy("Current status"), 16, False),
    ("current_progress", gettext_lazy("Current progress (%)"), 12, False),
    ("status", gettext_lazy("New status"), 16, True),
    ("progress", gettext_lazy("New progress (%)"), 12, True),
    ("note_en", gettext_lazy("Note (English)"), 50, True),
    ("note_fr", gettext_lazy("Note (French)"), 50, True),
]
KEYS = [key for key, *_ in COLUMNS]
HEADINGS = {key: heading for key, heading, *_ in COLUMNS}
# Where each field of progress_update_validate's errors is written in the sheet.
ERROR_COLUMNS = {"status": "status", "progress": "progress", "reported_on": "status", "milestone": "milestone"}


@dataclass(frozen=True)
class SheetRow:
    """A checked row: one update to post."""

    row: int
    milestone: Milestone
    status: str
    progress: int
    note_en: str
    note_fr: str


@dataclass(frozen=True)
class SheetError:
    row: int | None
    column: str
    message: str


class SheetInvalid(Exception):
    """The sheet cannot be saved; ``errors`` says why, row by row."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} error(s) in the sheet")
        self.errors = errors


def sheet_tab(jurisdiction) -> str:
    """The title of the sheet's tab (Excel allows 31 characters)."""
    return jurisdiction.code[:31]


def sheet_identifier(period, jurisdiction) -> str:
    return f"cogwg-period-{period.pk}-{jurisdiction.code}"


def sheet_filename(period, jurisdiction) -> str:
    return f"cogwg-{period.period_end:%Y-%m}-{jurisdiction.code.lower()}.xlsx"


def sheet_build(*, period, jurisdiction) -> bytes:
    """The period's sheet for ``jurisdiction``, in the active language: one row per
    milestone on which it holds a seat, with its current status, and the columns to fill."""
    language = translation.get_language() or "en"
    workbook = Workbook()
    workbook.properties.identifier = sheet_identifier(period, jurisdiction)
    workbook.properties.title = f"{period.title} — {jurisdiction.name}"
    sheet = workbook.active
    sheet.title = sheet_tab(jurisdiction)
    sheet.append([str(heading) for _key, heading, _width, _input in COLUMNS])
    for milestone in jurisdiction_milestones(period, jurisdiction):
        sheet.append(
            [
                milestone.pk,
                str(milestone.priority),
                getattr(milestone, f"description_{language}", "") or milestone.description_en,
                milestone.due_date,
                str(MilestoneStatus(milestone.status).label),
                milestone.progress,
                None,
                None,
                None,
                None,
            ]
        )
    to_fill = PatternFill("solid", fgColor="FFF2CC")
    for index, (_key, _heading, width, is_input) in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = width
        sheet.cell(row=1, column=index).font = Font(bold=True)
        if is_input:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index, max_row=max(sheet.max_row, 2)):
                cell.protection = Protection(locked=False)
                cell.fill = to_fill
    for (cell,) in sheet.iter_rows(min_row=2, min_col=KEYS.index("due") + 1, max_col=KEYS.index("due") + 1):
        cell.number_format = "yyyy-mm-dd"
    statuses = ",".join(str(label) for label in MilestoneStatus.labels)
    choices = DataValidation(type="list", formula1=f'"{statuses}"', allow_blank=True)
    status_letter = sheet.cell(row=1, column=KEYS.index("status") + 1).column_letter
    choices.add(f"{status_letter}2:{status_letter}{max(sheet.max_row, 2)}")
    sheet.add_data_validation(choices)
    sheet.freeze_panes = "A2"
    # Locked without a password: it keeps ids and current values from being typed over by
    # mistake, not from a determined user (the upload checks every row anyway).
    sheet.protection.sheet = True
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _status_lookup():
    lookup = {value: value for value in MilestoneStatus.values}
    for language in ("en", "fr"):
        with translation.override(language):
            lookup |= {str(label).casefold(): value for value, label in MilestoneStatus.choices}
    return lookup


def _text(value):
    if value is None:
        return ""
    return str(value).strip()


def _whole_number(value):
    """An int when ``value`` is one (50, 50.0, "50"); otherwise ``value`` itself, for the
    service's check to reject with its own message."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value).rstrip("%").strip()
    # ASCII digits only: "²" and "①" are digits to str.isdigit, not to int().
    return int(text) if text.isascii() and text.isdigit() else value


def _invalid(message):
    return SheetInvalid([SheetError(None, "", message)])


def _not_a_sheet():
    return _invalid(_("This is not an Excel (.xlsx) file."))


def _unpacked_size(file) -> int:
    """The total size of the archive's members once unpacked, as its directory declares
    them (zipfile never unpacks a member beyond its declared size)."""
    try:
        with zipfile.ZipFile(file) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_a_sheet() from None
    finally:
        file.seek(0)


def _open_sheet(file):
    if getattr(file, "size", 0) > MAX_UPLOAD_BYTES:
        raise _invalid(_("The file is too large (at most 2 MB)."))
    if _unpacked_size(file) > MAX_UNPACKED_BYTES:
        raise _invalid(_("The file is too large once unpacked (at most 10 MB): upload the sheet as downloaded."))
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (*UNREADABLE, AttributeError):  # AttributeError: openpyxl on a chart sheet without a drawing
        raise _not_a_sheet() from None
    return workbook


def _worksheet(workbook, jurisdiction):
    """The tab the download wrote; else the only worksheet (a chart sheet is none)."""
    worksheets = workbook.worksheets
    for worksheet in worksheets:
        if worksheet.title == sheet_tab(jurisdiction):
            return worksheet
    if len(worksheets) == 1:
        return worksheets[0]
    raise _invalid(
        _('The workbook has no tab "%(tab)s": upload the sheet downloaded for %(jurisdiction)s.')
        % {"tab": sheet_tab(jurisdiction), "jurisdiction": jurisdiction.name}
    )


def _blank(values) -> bool:
    return all(_text(value) == "" for value in values or ())


def _read_rows(worksheet) -> list[tuple[int, tuple]]:
    """The sheet's non-blank rows below the headings, with their numbers."""
    rows = []
    scanned = worksheet.iter_rows(min_row=2, max_col=len(KEYS), values_only=True)
    for number, values in enumerate(scanned, start=2):
        if number > MAX_SCANNED_ROWS:
            raise _invalid(
                _("The sheet is too long: only its first %(rows)s rows are read. Delete the rows below your updates.")
                % {"rows": MAX_SCANNED_ROWS}
            )
        if _blank(values):
            continue
        rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise _invalid(_("The sheet has too many rows."))
    return rows


def _note(value, number, key, errors) -> str:
    note = _text(value)
    if len(note) > NOTE_MAX_LENGTH:
        errors.append(
            SheetError(
                number,
                str(HEADINGS[key]),
                _("A note is at most %(limit)s characters long; this one has %(length)s.")
                % {"limit": NOTE_MAX_LENGTH, "length": len(note)},
            )
        )
    return note


def sheet_read(*, period, jurisdiction, file) -> list[SheetRow]:
    """Read and check an uploaded sheet; raise SheetInvalid with every error found."""
    workbook = _open_sheet(file)
    try:
        identifier = workbook.properties.identifier
        if identifier and identifier != sheet_identifier(period, jurisdiction):
            raise _invalid(_("This sheet was downloaded for another reporting period or jurisdiction."))
        # Read-only: each row is parsed as it is read, and a malformed one fails here.
        rows = _read_rows(_worksheet(workbook, jurisdiction))
    except UNREADABLE:
        raise _invalid(_("The sheet cannot be read: it is damaged. Download it again and fill it in.")) from None
    finally:
        workbook.close()
    milestones = {milestone.pk: milestone for milestone in jurisdiction_milestones(period, jurisdiction)}
    statuses = _status_lookup()
    today = dates.today()  # as period_submit_updates dates the rows
    checked, errors, seen = [], [], {}
    for number, values in rows:
        cells = dict(zip(KEYS, (*values, *[None] * len(KEYS))[: len(KEYS)], strict=True))
        entered = [cells[key] for key in ("status", "progress", "note_en", "note_fr")]
        if all(_text(value) == "" for value in entered):
            continue
        milestone_id = _whole_number(cells["milestone"])
        # TRUE would find milestone 1.
        milestone = None if isinstance(milestone_id, bool) else milestones.get(milestone_id)
        if milestone is None:
            errors.append(
                SheetError(
                    number,
                    str(HEADINGS["milestone"]),
                    _("This is not one of the period's milestones for %(jurisdiction)s.")
                    % {"jurisdiction": jurisdiction.name},
                )
            )
            continue
        if milestone.pk in seen:
            errors.append(
                SheetError(
                    number,
                    str(HEADINGS["milestone"]),
                    _("This milestone is already on row %(row)s.") % {"row": seen[milestone.pk]},
                )
            )
            continue
        seen[milestone.pk] = number
        raw_status = _text(cells["status"])
        status = statuses.get(raw_status.casefold(), raw_status) if raw_status else ""
        progress = _whole_number(cells["progress"])
        found = len(errors)
        note_en = _note(cells["note_en"], number, "note_en", errors)
        note_fr = _note(cells["note_fr"], number, "note_fr", errors)
        try:
            progress_update_validate(milestone=milestone, reported_on=today, status=status, progress=progress)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = str(HEADINGS[ERROR_COLUMNS.get(name, "status")])
                errors.extend(SheetError(number, column, message) for message in messages)
        if len(errors) == found:
            checked.append(SheetRow(number, milestone, status, progress, note_en, note_fr))
    if not errors and not checked:
        errors.append(SheetError(None, "", _("The sheet has no update: fill in a new status and progress.")))
    if errors:
        raise SheetInvalid(errors)
    return checked


def sheet_import(*, period, jurisdiction, file, by):
    """Read a jurisdiction's sheet and, when every row is right, post its updates for the
    period as submitted for review, all in one transaction; raise SheetInvalid otherwise
    (nothing saved). Returns ``cycles.Submission`` (what was posted, and replaced)."""
    rows = sheet_read(period=period, jurisdiction=jurisdiction, file=file)
    return period_submit_updates(period=period, jurisdiction=jurisdiction, rows=rows, by=by)
