"""Exports of the admin's change lists, as CSV and XLSX, for the secretariat's meeting
preparation: "Export as CSV" and "Export as XLSX" above a list download every row the
list shows as it is filtered, searched and sorted (all its pages, not only the one on
screen). To export a few rows, filter or search the list down to them.

The rows are the admin's own (its ``get_queryset``, cogwg/permissions.py included): a
contributor exports what their list shows them, and someone who may not view the list
gets a 403. They are read in a constant number of queries, whatever their number: the
related records the columns name are selected with them, many-to-many ones prefetched.

Each admin names its columns (``export_columns``) as ``list_display`` does: a field, a
path to a related record's field ("priority__work_plan"), or one of the admin's display
functions. Headers are the columns' labels and cells their values in the reader's
language: translated fields in that language, choices by their labels, yes and no in
words, dates as dates. A column the list would hide from its reader (another
jurisdiction's author, a submitter's address) is never declared, or is the admin's
display function that already hides it.

A CSV is UTF-8 with a byte order mark, as the API's is (cogwg/api/renderers.py): without it
Excel reads French as Windows-1252; text that a spreadsheet would run as a formula gets a
leading apostrophe. An XLSX stores text as text, without the control characters a
worksheet cannot hold (cogwg/reports/render/xlsx.py)."""

import csv
import datetime
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.admin.exceptions import DisallowedModelAdminLookup, DisallowedModelAdminToField
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR, IncorrectLookupParameters
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from .api.renderers import formula_safe
from .reports.render.xlsx import SheetWriter, sheet_name

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


def _many(manager) -> str:
    return SEPARATOR.join(str(record) for record in manager.all())


def _field_column(fields) -> Column:
    """The column of a field, or of a related record's field at the end of ``fields``."""
    field = fields[-1]
    if field.auto_created and not field.concrete:  # a reverse relation (an accomplishment's links)
        header = field.related_model._meta.verbose_name_plural
    else:
        header = field.verbose_name
    labels = dict(field.flatchoices) if getattr(field, "choices", None) else None

    def read(obj):
        for step in fields[:-1]:
            obj = getattr(obj, step.name)
            if obj is None:
                return None
        if field.many_to_many or field.one_to_many:
            return _many(getattr(obj, field.get_accessor_name() if field.auto_created else field.name))
        value = getattr(obj, field.name)
        return labels.get(value, value) if labels is not None else value

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
    """A cell's value as both formats take it: nothing, a number, a date, a local date and
    time (to the minute, without its time zone), or text in the reader's language."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, second=0, microsecond=0)
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
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return formula_safe(value)
    return value


def write_csv(columns, rows, *, title) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([formula_safe(str(column.header)) for column in columns])
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(columns, rows, *, title) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name(title, set())
    writer = SheetWriter(sheet, [column.width for column in columns])
    writer.header(*(str(column.header) for column in columns), freeze=True)
    for row in rows:
        writer.line(*row)
    # Each column offers Excel's filter and sort, as the list's header does.
    sheet.auto_filter.ref = sheet.dimensions
    workbook.properties.title = title
    workbook.properties.language = translation.get_language()
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


WRITERS = {"csv": write_csv, "xlsx": write_xlsx}


class ExportMixin:
    """ "Export as CSV" and "Export as XLSX" on a change list (every row it shows as
    filtered), and as actions on the rows ticked. Put it first among the admin's bases and
    declare ``export_columns``; ``export_select_related`` and ``export_prefetch_related``
    name what the admin's display functions among them read (the field columns' related
    records are read with the rows already), or override ``get_export_queryset``."""

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
        rows = (
            [plain(column.read(record)) for column in columns] for record in self.get_export_queryset(request, queryset)
        )
        plural = str(capfirst(self.opts.verbose_name_plural))
        content = WRITERS[file_format](columns, rows, title=plural)
        response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
        filename = f"{slugify(plural)}-{timezone.localdate():%Y-%m-%d}.{file_format}"
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response

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
