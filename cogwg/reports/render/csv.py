"""The report as CSV: one row per activity of the work plan, with its priority's status
and progress and its own as of the report's date (a priority without activities gets one
row, the activity's columns empty, as the other formats list it), then the user stories
inventory (the
stories received and published: the same numbers on every row, as a priority's are on
each of its activities; a report frozen before reports counted stories has no such
columns). UTF-8 with a byte-order mark, so that spreadsheet programs read the accents
right."""

import csv
import io

from django.utils.translation import gettext as _

from cogwg.api.renderers import formula_safe
from workplan.selectors import whole_percent

from .view import report_view


def render(content: dict, *, language: str) -> bytes:
    r = report_view(content, language)
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    activity_header = [
        _("Month"),
        _("Due date"),
        _("Activity"),
        _("Kind"),
        _("Status"),
        _("Progress (%)"),
        _("Overdue"),
        _("Latest note"),
        _("Reported on"),
    ]
    writer.writerow(
        [
            _("Priority number"),
            _("Priority"),
            _("Priority status"),
            _("Priority progress (%)"),
            *activity_header,
            *stories_header(r["stories"]),
        ]
    )
    stories = stories_values(r["stories"])
    for priority in r["priorities"]:
        columns = [
            priority["number"],
            priority["title"],
            priority["status_label"],
            "" if priority["progress"] is None else whole_percent(priority["progress"]),
        ]
        for activity in priority["activities"]:
            _write(
                writer,
                [
                    *columns,
                    activity["month"],
                    activity["due_date"],
                    activity["description"],
                    activity["kind_label"],
                    activity["status_label"],
                    activity["progress"],
                    _("Yes") if activity["overdue"] else _("No"),
                    activity["note"],
                    activity["reported_on"] or "",
                    *stories,
                ],
            )
        if not priority["activities"]:
            _write(writer, [*columns, *[""] * len(activity_header), *stories])
    return output.getvalue().encode("utf-8-sig")


def stories_header(stories):
    """The inventory's columns: each number named in full (``view._stories``)."""
    return [name for row in stories["rows"] for name in row["names"]] if stories else []


def stories_values(stories):
    return [value for row in stories["rows"] for value in row["values"]] if stories else []


def _write(writer, row):
    """A row whose text (notes and titles, as contributors wrote them) a spreadsheet shows
    and never runs as a formula."""
    writer.writerow([formula_safe(value) if isinstance(value, str) else value for value in row])
