"""Exports of the admin's change lists, as CSV and XLSX, for the secretariat's meeting
preparation: "Export as CSV" and "Export as XLSX" above a list download every row the
list shows as it is filtered, searched and sorted (all its pages, not only the one on
screen). To export a few rows, tick them and choose "Export selected … as CSV" or "… as
XLSX" among the list's actions: the file holds those rows, in the list's order (or every
row the list shows as filtered, once "Select all" is chosen across its pages).

The rows are the admin's own (its ``get_queryset``, cogwg/permissions.py included): a
contributor exports what their list shows them, and someone who may not view the list
gets a 403. The actions are given the rows the list shows, narrowed to the ticked ones:
a row named in a forged request that the list would not show its reader is not among
them. They are read in a constant number of queries, whatever their number: the
related records the columns name are selected with them, many-to-many ones prefetched.
A list of thousands of rows names the same few related records over and over (an
update's milestone and priority): each is labelled once per export, not once per row.

Each admin names its columns (``export_columns``) as ``list_display`` does: a field, a
path to a related record's field ("priority__work_plan"), or one of the admin's display
functions. Headers are the columns' labels and cells their values in the reader's
language: translated fields in that language, choices by their labels, yes and no in
words, dates as dates. A column the list would hide from its reader (another
jurisdiction's author, a submitter's address) is never declared, or is the admin's
display function that already hides it.

A CSV is UTF-8 with a byte order mark, as the API's is (cogwg/api/renderers.py): without it
Excel reads French as Windows-1252; text that a spreadsheet would run as a formula gets a
leading apostrophe. It is streamed, a few hundred rows at a time, once its cells are
made (the queries run, and any refusal or error is given, before the first byte). An XLSX
stores text as text, without the control characters a worksheet cannot hold, as the
status reports' do (cogwg/reports/render/xlsx.py); it is a write-only workbook, its rows
written as they come, each cell taking a style its column made once.

bench/exports.py times both on thousands of progress updates."""

import csv
import datetime
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminLookup, DisallowedModelAdminToField
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR, IncorrectLookupParameters
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from .api.renderers import formula_safe
from .reports.render.xlsx import HEADER, HEADER_FILL, TEXT_READ_AS_OTHER, WRAP, sheet_name

# The formats offered, with their content types.
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Column widths in an XLSX, in characters.
NARROW, MEDIUM, WIDE = 12, 28, 60
# How the values of a column that holds many (a challenge's jurisdictions, a story's
# themes, an accomplishment's links) are joined in one cell.
SEPARATOR = ", "
# Rows per piece of a streamed CSV: a few hundred kilobytes at most.
CSV_CHUNK_ROWS = 500


@dataclass(frozen=True)
class Column:
    """One column of an export: its header, how a row's value is read, its XLSX width."""

    header: str
    read: Any
    width: int = MEDIUM


def _width(field) -> int:
    if isinstance(field, models.TextField | models.JSONField) or field.many_to_many or field.one_to_many:
        return WIDE
    if isinstance(field, models.DateField | models.IntegerField | models.BooleanField | models.DecimalField):
        return NARROW
    return MEDIUM


def _field_column(fields) -> Column:
    """The column of a field, or of a related record's field at the end of ``fields``.

    Its labels (of related records, by their key, and of choices, by their value) are
    made the first time a row needs them, in the reader's language, and kept by the
    column: columns are made for one export (``ExportMixin.get_export_columns``)."""
    field = fields[-1]
    if field.auto_created and not field.concrete:  # a reverse relation (an accomplishment's links)
        header = field.related_model._meta.verbose_name_plural
    else:
        header = field.verbose_name
    choices = dict(field.flatchoices) if getattr(field, "choices", None) else None
    labels = {}

    def label(key, record):
        if key not in labels:
            labels[key] = str(record)
        return labels[key]

    if field.many_to_many or field.one_to_many:
        accessor = field.get_accessor_name() if field.auto_created else field.name

        def value(obj):
            return SEPARATOR.join(label(record.pk, record) for record in getattr(obj, accessor).all())

    elif field.is_relation and field.concrete:  # the related record's key is on the row

        def value(obj):
            key = getattr(obj, field.attname)
            if key is None:
                return None
            if key not in labels:
                labels[key] = str(getattr(obj, field.name))
            return labels[key]

    elif choices is not None:

        def value(obj):
            key = getattr(obj, field.name)
            if key not in labels:
                labels[key] = str(choices[key]) if key in choices else key
            return labels[key]

    else:

        def value(obj):
            return getattr(obj, field.name)

    def read(obj):
        for step in fields[:-1]:
            obj = getattr(obj, step.name)
            if obj is None:
                return None
        return value(obj)

    return Column(capfirst(header), read, _width(field))


def export_column(model_admin, name) -> Column:
    """The column ``name`` of ``model_admin``'s exports: a field or a path to one, else a
    display function of the admin (its ``description`` is the header)."""
    try:
        fields = get_fields_from_path(model_admin.model, name)
    except (FieldDoesNotExist, NotRelationField):
        function = getattr(model_admin, name)
        header = getattr(function, "short_description", name.replace("_", " "))
        return Column(capfirst(header), function, MEDIUM)
    return _field_column(fields)


def related_paths(model, names) -> tuple[list[str], list[str]]:
    """What the field columns ``names`` read beyond the row: (the paths to select with it,
    the many-to-many paths to prefetch)."""
    selected, prefetched = [], []
    for name in names:
        try:
            fields = get_fields_from_path(model, name)
        except (FieldDoesNotExist, NotRelationField):
            continue  # a display function: its admin names what it reads
        steps = [field.name for field in fields[:-1]]
        last = fields[-1]
        if last.many_to_many or last.one_to_many:
            accessor = last.get_accessor_name() if last.auto_created else last.name
            prefetched.append("__".join([*steps, accessor]))
        elif last.is_relation:
            selected.append("__".join([*steps, last.name]))
        elif steps:
            selected.append("__".join(steps))
    return selected, prefetched


# Cells


def plain(value):
    """A cell's value as both formats take it: nothing, a number, a date, a date and time
    as text, or text in the reader's language. A date and time is written in ISO 8601, in
    the site's time zone and to the minute, with its offset from UTC
    (2020-11-01T01:30-04:00): without it, the hour repeated when the clocks go back would
    be two moments written alike, and a spreadsheet's date and time has no time zone."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, list | tuple):
        return SEPARATOR.join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return formula_safe(value)
    return value


def _drained(buffer) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode("utf-8")


def write_csv(columns, rows, *, title):
    """The CSV, in pieces of ``CSV_CHUNK_ROWS`` rows, the first starting with the byte order
    mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([formula_safe(str(column.header)) for column in columns])
    for number, row in enumerate(rows, 1):
        writer.writerow([_csv_cell(value) for value in row])
        if number % CSV_CHUNK_ROWS == 0:
            yield _drained(buffer)
    yield _drained(buffer)


def _xlsx_value(cell, value):
    """``value`` into ``cell``, as SheetWriter.cell writes it (cogwg/reports/render/xlsx.py):
    text stays text (never a formula, nor an error code), without the control characters a
    sheet cannot hold."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if cell.data_type in TEXT_READ_AS_OTHER:
        cell.data_type = "s"
    return cell


class _Cells:
    """The cells a write-only sheet's rows are written with: per column and type of value,
    one cell styled once and refilled row after row (a row is written out as it is
    appended). A date's cell keeps the date format its first value gave it; a text's
    never has it."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.made = {}

    def row(self, values):
        return [self.cell(column, value) for column, value in enumerate(values)]

    def cell(self, column, value):
        key = (column, type(value))
        cell = self.made.get(key)
        if cell is None:
            cell = self.made[key] = WriteOnlyCell(self.sheet)
            cell.alignment = WRAP
        return _xlsx_value(cell, value)


def write_xlsx(columns, rows, *, title) -> bytes:
    rows = list(rows)
    # The sheet's size, which readers take from its top (openpyxl's read-only mode, for
    # one): a write-only sheet writes it there only when it can tell it beforehand.
    size = f"A1:{get_column_letter(len(columns))}{1 + len(rows)}"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name(title, set()))
    sheet.calculate_dimension = lambda: size
    # Set before the first row too: a write-only sheet writes them at its top.
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"  # the header stays in view
    header = []
    for column in columns:
        cell = _xlsx_value(WriteOnlyCell(sheet), str(column.header))
        cell.font, cell.fill, cell.alignment = HEADER, HEADER_FILL, WRAP
        header.append(cell)
    sheet.append(header)
    cells = _Cells(sheet)
    for row in rows:
        sheet.append(cells.row(row))
    # Each column offers Excel's filter and sort, as the list's header does.
    sheet.auto_filter.ref = size
    workbook.properties.title = title
    workbook.properties.language = translation.get_language()
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _speaking(language, chunks):
    """``chunks`` made in ``language`` (a CSV's headers are named as it is written): a
    streamed answer is made as the server sends it, after its view has returned."""
    with translation.override(language):
        yield from chunks


WRITERS = {"csv": write_csv, "xlsx": write_xlsx}


class ExportMixin:
    """The exports of a change list, both through ``export_response``: "Export as CSV" and
    "Export as XLSX" above it (``export_view``: every row it shows as filtered), and the
    actions "Export selected … as CSV" and "… as XLSX" (``export_selected_csv`` and
    ``export_selected_xlsx``: the rows ticked, or all of them across its pages), which
    ``get_actions`` adds to the admin's own for whoever may view the list. Put it first
    among the admin's bases and declare ``export_columns``; ``export_select_related`` and
    ``export_prefetch_related`` name what the admin's display functions among them read
    (the field columns' related records are read with the rows already), or override
    ``get_export_queryset``."""

    export_columns = ()
    export_select_related = ()
    export_prefetch_related = ()
    export_refused_template = "admin/cogwg/export_refused.html"

    def get_export_columns(self, request) -> list[Column]:
        return [export_column(self, name) for name in self.export_columns]

    def get_export_queryset(self, request, queryset):
        """``queryset`` (the list's rows, in its order) with all the columns read in a
        constant number of queries."""
        selected, prefetched = related_paths(self.model, self.export_columns)
        selected = [*selected, *self.export_select_related]
        prefetched = [*prefetched, *self.export_prefetch_related]
        if selected:
            queryset = queryset.select_related(*dict.fromkeys(selected))
        if prefetched:
            queryset = queryset.prefetch_related(*prefetched)
        return queryset

    def export_response(self, request, queryset, file_format):
        """The rows of ``queryset`` as a file to download."""
        columns = self.get_export_columns(request)
        # Every cell is made here, in the view: its queries, a database error's 503 and any
        # other error come before the first byte of a streamed file, never in its middle.
        rows = [
            [plain(column.read(record)) for column in columns] for record in self.get_export_queryset(request, queryset)
        ]
        plural = str(capfirst(self.opts.verbose_name_plural))
        content = WRITERS[file_format](columns, rows, title=plural)
        if isinstance(content, bytes):
            response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
        else:
            chunks = _speaking(translation.get_language(), content)
            response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[file_format])
        filename = f"{slugify(plural)}-{timezone.localdate():%Y-%m-%d}.{file_format}"
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response

    # The rows ticked

    @admin.action(description=_("Export selected %(verbose_name_plural)s as CSV"))
    def export_selected_csv(self, request, queryset):
        return self.export_response(request, queryset, "csv")

    @admin.action(description=_("Export selected %(verbose_name_plural)s as XLSX"))
    def export_selected_xlsx(self, request, queryset):
        return self.export_response(request, queryset, "xlsx")

    def get_actions(self, request):
        # Added here, not in ``actions``, which the admins and their other bases declare
        # for themselves. The queryset Django gives an action is the list's (its
        # ``get_queryset``, filters and order), narrowed to the ticked rows.
        actions = super().get_actions(request)
        popup = IS_POPUP_VAR in request.POST or IS_POPUP_VAR in request.GET
        if (
            self.export_columns
            and self.actions is not None
            and not popup
            and self.has_view_or_change_permission(request)
        ):
            for name in ("export_selected_csv", "export_selected_xlsx"):
                func, name, description = self.get_action(name)
                actions[name] = (func, name, description)
        return actions

    # The list as filtered

    def _url_name(self, view):
        return f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_export"
        return [
            path("export/<str:file_format>/", self.admin_site.admin_view(self.export_view), name=name),
            *super().get_urls(),
        ]

    def export_view(self, request, file_format):
        """Every row of the change list that the same address (its filters, search and
        order) shows, all pages."""
        if file_format not in WRITERS or not self.export_columns:
            raise Http404
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except (IncorrectLookupParameters, DisallowedModelAdminLookup, DisallowedModelAdminToField):
            return self.export_refused(request)
        return self.export_response(request, changelist.queryset, file_format)

    def export_refused(self, request):
        """A list's filters that it cannot apply (a mistyped date, a filter it does not
        offer): a page in the reader's language, with the way back."""
        context = {
            **self.admin_site.each_context(request),
            "title": _("This list cannot be exported"),
            "subtitle": None,
            "opts": self.opts,
            "changelist_url": reverse(self._url_name("changelist")),
        }
        return TemplateResponse(request, self.export_refused_template, context, status=400)

    def changelist_view(self, request, extra_context=None):
        popup = IS_POPUP_VAR in request.GET or TO_FIELD_VAR in request.GET
        if self.export_columns and not popup and self.has_view_or_change_permission(request):
            query = request.GET.copy()
            for key in (PAGE_VAR, ERROR_FLAG):
                query.pop(key, None)
            query = f"?{query.urlencode()}" if query else ""
            links = [
                {"url": reverse(self._url_name("export"), kwargs={"file_format": file_format}) + query, "label": label}
                for file_format, label in (("csv", _("Export as CSV")), ("xlsx", _("Export as XLSX")))
            ]
            extra_context = {**(extra_context or {}), "export_links": links}
        return super().changelist_view(request, extra_context)
