"""The report as an XLSX workbook: a summary sheet (the plan, the priorities, the user
stories inventory, the accomplishments, the challenges and the next steps), then one sheet
per priority (its activities with their status, under a header that stays in view, then
its work plan table).

Dates are dates (a spreadsheet sorts and filters them), shown in the file's language
whatever the reader's settings; an accomplishment's links are links, each in a cell of its
own under its label."""

import datetime
import io
import re
from urllib.parse import urlsplit

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from workplan.selectors import whole_percent

from .view import report_view

HEADING = Font(bold=True, size=14, color="26374A")
SUBHEADING = Font(bold=True, size=12, color="26374A")
HEADER = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="26374A")
WRAP = Alignment(wrap_text=True, vertical="top")
# Excel refuses these in a sheet's name, and names longer than 31 characters.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31
ELLIPSIS = "\u2026"
# Number formats of dates in the file's language: the bracketed locale ([$-1009] English
# (Canada), [$-C0C] French (Canada)) names the months in it, whatever the reader's own.
DATE_FORMATS = {"en": "[$-1009]mmmm d, yyyy", "fr": "[$-C0C]d mmmm yyyy"}
MONTH_FORMATS = {"en": "[$-1009]mmmm yyyy", "fr": "[$-C0C]mmmm yyyy"}
# The addresses a link's cell opens; any other is shown as text only.
LINK_SCHEMES = frozenset({"http", "https"})
LINK_WIDTH = 40


def shorten(text, length):
    """``text`` in at most ``length`` characters: cut after its last whole word, with an
    ellipsis ("2. Support and enhancement of…", not "2. Support and enhancement of D"). A
    word that would leave less than half the room is cut within."""
    if len(text) <= length:
        return text
    room = length - len(ELLIPSIS)
    cut = text[:room]
    space = text.rfind(" ", 0, room + 1)  # a space right after the cut ends a whole word
    if space > room // 2:
        cut = text[:space]
    return cut.rstrip(" ,;:.-\u2013") + ELLIPSIS


def sheet_name(text, taken):
    """A sheet's name for ``text``, unique (whatever the case) among ``taken``."""
    # Excel also refuses a name that begins or ends with an apostrophe.
    text = " ".join(SHEET_NAME_FORBIDDEN.sub(" ", text).split()).strip("' ")
    name, n = shorten(text, SHEET_NAME_LENGTH), 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = shorten(text, SHEET_NAME_LENGTH - len(suffix)) + suffix, n + 1
    taken.add(name.lower())
    return name


def percent_format():
    """The number format that shows a whole percent as ``view.percent`` writes it ("42%",
    "42 %" in French), the cell keeping the number."""
    return '0"\u00a0%"' if translation.get_language() == "fr" else '0"%"'


def day(iso):
    """An ISO date of the content ("2020-02-27") as a date; None for none."""
    return datetime.date.fromisoformat(iso) if iso else None


# The types openpyxl gives some text: a formula ("=…") and an error code ("#N/A", "#REF!").
TEXT_READ_AS_OTHER = frozenset({"f", "e"})


class SheetWriter:
    def __init__(self, sheet, widths):
        self.sheet = sheet
        self.row = 1
        for index, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width

    def cell(self, column, value):
        """A cell of the current row. Text is stored as text: a note that starts with "="
        is shown, never run as a formula, and control characters, which a worksheet cannot
        hold, are left out. A note that reads as an error code ("#N/A") is text too."""
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = self.sheet.cell(row=self.row, column=column, value=value)
        if cell.data_type in TEXT_READ_AS_OTHER:
            cell.data_type = "s"
        return cell

    def heading(self, text, font=HEADING):
        self.cell(1, text).font = font
        self.row += 1

    def line(self, *values, bold_first=False, percent_columns=(), month_columns=()):
        """A row of values; a progress figure in one of ``percent_columns`` is written
        as its whole percent (``whole_percent``), a number shown with a percent sign; a
        date is shown as the language writes it, its month only in ``month_columns``."""
        language = translation.get_language()
        for column, value in enumerate(values, 1):
            percent = column in percent_columns
            cell = self.cell(column, whole_percent(value) if percent else value)
            cell.alignment = WRAP
            if percent:
                cell.number_format = percent_format()
            elif isinstance(value, datetime.date):
                cell.number_format = (MONTH_FORMATS if column in month_columns else DATE_FORMATS)[language]
            if bold_first and column == 1:
                cell.font = Font(bold=True)
        self.row += 1

    def link(self, column, url, label):
        """A link's cell: its label (its address when it has none), opening the address."""
        cell = self.cell(column, label or url)
        if urlsplit(url).scheme.lower() in LINK_SCHEMES:
            cell.hyperlink = url
            cell.style = "Hyperlink"
        cell.alignment = WRAP
        return cell

    def header(self, *labels, freeze=False):
        """A table's header row; ``freeze`` keeps it (and the rows above) in view as the
        table scrolls."""
        for column, label in enumerate(labels, 1):
            cell = self.cell(column, label)
            cell.font, cell.fill, cell.alignment = HEADER, HEADER_FILL, WRAP
        self.row += 1
        if freeze:
            self.sheet.freeze_panes = f"A{self.row}"

    def gap(self):
        self.row += 1


def _summary(writer, r):
    writer.heading(r["report"]["title"])
    writer.line(_("Canada Open Government Working Group"))
    if r["meeting"]:
        writer.line(_("Meeting"), r["meeting"]["title"], bold_first=True)
    writer.line(_("As of"), day(r["report"]["as_of"]), bold_first=True)
    writer.line(_("Work plan"), r["work_plan"]["title"], bold_first=True)
    writer.line(_("Overall status"), r["work_plan"]["status_label"], bold_first=True)
    writer.line(_("Progress (%)"), r["work_plan"]["progress"], bold_first=True, percent_columns=[2])
    writer.gap()

    if r["purpose"]:
        writer.heading(_("Purpose"), SUBHEADING)
        for point in r["purpose"]:
            writer.line(point)
        writer.gap()

    writer.heading(_("Progress on the work plan priorities"), SUBHEADING)
    due = pgettext("count of milestones due soon", "Due")
    writer.header(_("Priority"), _("Status"), _("Progress (%)"), _("Completed"), due, _("Overdue"))
    for priority in r["priorities"]:
        writer.line(
            priority["heading"],
            priority["status_label"],
            priority["progress"],
            len(priority["completed"]),
            len(priority["due"]),
            len(priority["overdue"]),
            percent_columns=[3],
        )
    writer.gap()

    if r["stories"]:
        _stories(writer, r)

    writer.heading(_("Major jurisdictional milestones and challenges"), SUBHEADING)
    writer.line(r["report"]["period_label"])
    writer.heading(_("Jurisdictional accomplishments"), SUBHEADING)
    if r["accomplishments"]:
        _accomplishments(writer, r["accomplishments"])
    else:
        writer.line(_("None reported."))
    writer.gap()

    writer.heading(_("Ongoing challenges"), SUBHEADING)
    if r["challenges"]:
        writer.header(_("Challenge"), _("Status"), _("Jurisdictions"), _("Mitigation"))
    else:
        writer.line(_("None reported."))
    for item in r["challenges"]:
        writer.line(item["title"], item["status_label"], item["jurisdiction_names"], item["mitigation"])
    writer.gap()

    if r["next_steps"]:
        writer.heading(_("Some immediate next steps"), SUBHEADING)
        for step in r["next_steps"]:
            writer.line(step["text"])
            for child in step["children"]:
                writer.line(f"    • {child['text']}")


def _accomplishments(writer, accomplishments):
    """A row per accomplishment, its links after its category, one a cell: "Links" above
    them, or "Link 1", "Link 2"… when one has several."""
    columns = max(len(item["links"]) for item in accomplishments)
    if columns == 1:
        links = [_("Links")]
    else:
        links = [_("Link %(number)s") % {"number": number} for number in range(1, columns + 1)]
    writer.header(_("Jurisdiction"), _("Accomplishment"), _("Category"), *links)
    for column in range(5, 4 + columns):  # the first link's column is wide already
        writer.sheet.column_dimensions[get_column_letter(column)].width = LINK_WIDTH
    for item in accomplishments:
        for column, link in enumerate(item["links"], 4):
            writer.link(column, link["url"], link["label"])
        writer.line(item["jurisdiction_name"], item["title"], item["category_label"])


def _stories(writer, r):
    stories = r["stories"]
    writer.heading(_("Open data user stories"), SUBHEADING)
    writer.header(_("User stories"), *stories["columns"])
    for row in stories["rows"]:
        writer.line(row["label"], *row["values"], bold_first=True)
    writer.line(stories["note"])
    writer.gap()


def _priority(writer, priority):
    # The activities' header is frozen, so only short rows come before it: frozen rows
    # that fill the window (the long text, zoomed in) would hide the rows below.
    writer.heading(priority["heading"])
    writer.line(_("Status"), priority["status_label"], bold_first=True)
    writer.line(_("Progress (%)"), priority["progress"], bold_first=True, percent_columns=[2])
    writer.gap()
    writer.heading(_("Activities"), SUBHEADING)
    writer.header(
        _("Month"),
        _("Activity"),
        _("Status"),
        _("Progress (%)"),
        _("Overdue"),
        _("Latest note"),
        _("Reported on"),
        freeze=True,
    )
    for activity in priority["activities"]:
        writer.line(
            day(activity["due_date"]),
            activity["description"],
            activity["status_label"],
            activity["progress"],
            _("Yes") if activity["overdue"] else _("No"),
            activity["note"],
            day(activity["reported_on"]),
            percent_columns=[4],
            month_columns=[1],
        )
    writer.gap()
    writer.line(
        _("Issue"), "\n".join([priority["issue"], *(f"→ {c}" for c in priority["consequences"])]), bold_first=True
    )
    writer.line(
        _("Expected outcome"),
        "\n".join([priority["outcome"], *(f"→ {c}" for c in priority["results"])]),
        bold_first=True,
    )
    writer.line(_("Leads (L) and partners (P)"), priority["seats_label"], bold_first=True)


def render(content: dict, *, language: str) -> bytes:
    r = report_view(content, language)
    workbook = Workbook()
    taken = set()
    summary = workbook.active
    summary.title = sheet_name(_("Summary"), taken)
    _summary(SheetWriter(summary, [38, 60, 18, 40, 12, 12]), r)
    for priority in r["priorities"]:
        sheet = workbook.create_sheet(sheet_name(priority["heading"], taken))
        _priority(SheetWriter(sheet, [24, 70, 16, 14, 12, 50, 20]), priority)
    workbook.properties.title = r["report"]["title"]
    workbook.properties.creator = _("COGWG Work-Plan Tracker")
    workbook.properties.language = language
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
