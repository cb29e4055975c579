"""Open-data downloads of any list: CSV everywhere, XLSX where a viewset adds it.

The columns come from the serializer, not from the data, so they are the same in both
languages and for an empty list; headers are the field names. A nested object spreads
into dotted columns (``priority.title``); a list of objects becomes one cell listing each
one's code, holder, name or title (a link as "label <url>", a report's file as "language
format url"), separated by "; ". Text that a spreadsheet would take for a formula
(starting with = + - @, a tab or a carriage return) gets a leading apostrophe.

A CSV starts with a UTF-8 byte order mark, as the reports' do: without it Excel reads
French as Windows-1252. Both formats name their licence (the Open Government Licence,
Canada): the ``Link`` header of the download, and the XLSX's document properties."""

import csv
import io
import json

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

from .base import SummaryRelatedField

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LABEL_KEYS = ("code", "holder", "name", "title", "slug", "id")


def columns_of(serializer, prefix=""):
    """The dotted column names of a serializer's readable fields."""
    columns = []
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        if isinstance(field, serializers.Serializer):
            columns += columns_of(field, f"{prefix}{name}.")
        elif isinstance(field, SummaryRelatedField):
            columns += columns_of(field.summary_serializer(), f"{prefix}{name}.")
        else:
            columns.append(f"{prefix}{name}")
    return columns


def _label(item):
    if not isinstance(item, dict):
        return str(item)
    if {"language", "format"} <= item.keys():  # a status report's file
        where = item.get("file") or item.get("download_url") or item.get("status")
        return " ".join(str(part) for part in (item["language"], item["format"], where) if part)
    if "url" in item and "label" in item:  # a link
        return f"{item['label']} <{item['url']}>" if item["label"] else str(item["url"] or "")
    return next((str(item[key]) for key in LABEL_KEYS if item.get(key) not in (None, "")), "")


def formula_safe(text: str) -> str:
    """``text`` as a spreadsheet should show it, never run: a leading apostrophe before
    what it would take for a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(row, column):
    """The text of one cell: the value at a dotted path, flattened and made formula-safe."""
    value = row
    for part in column.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        text = "; ".join(_label(item) for item in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    elif isinstance(value, int | float):
        return value
    else:
        text = str(value)
    return formula_safe(text)


def table(data, renderer_context):
    """(columns, rows of cells) of a list response (paginated or not) or of one record."""
    serializer = renderer_context["view"].get_serializer()
    columns = columns_of(serializer)
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        records = data["results"]
    elif isinstance(data, list):
        records = data
    else:
        records = [data]
    return columns, [[cell(record, column) for column in columns] for record in records]


# The licence the API's data is published under, in each language (the schema's LICENSE).
LICENCE_URLS = {
    "en": "https://open.canada.ca/en/open-government-licence-canada",
    "fr": "https://ouvert.canada.ca/fr/licence-du-gouvernement-ouvert-canada",
}


def licence():
    """(name, URL) of the licence, in the active language."""
    language = translation.get_language() or ""
    # The en dash is the licence's own, written out: makemessages reads no escape.
    return str(_("Open Government Licence – Canada")), LICENCE_URLS.get(language[:2], LICENCE_URLS["en"])  # noqa: RUF001


def _attach(renderer_context, extension):
    response, view = renderer_context.get("response"), renderer_context.get("view")
    if response is not None and view is not None and response.status_code < 300:
        name = getattr(view, "basename", None) or "export"
        response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
        response["Link"] = f'<{licence()[1]}>; rel="license"'


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        columns, rows = table(data, renderer_context)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows(rows)
        _attach(renderer_context, self.format)
        return buffer.getvalue().encode("utf-8-sig")


class XLSXRenderer(BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        if data is None:
            return b""
        columns, rows = table(data, renderer_context)
        workbook = Workbook(write_only=True)
        name, url = licence()
        workbook.properties.description = f"{name} ({url})"
        sheet = workbook.create_sheet(title=(getattr(renderer_context["view"], "basename", None) or "export")[:31])
        sheet.append(columns)
        for row in rows:
            # Control characters cannot be stored in a worksheet: drop them rather than fail.
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value for value in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        _attach(renderer_context, self.format)
        return buffer.getvalue()
