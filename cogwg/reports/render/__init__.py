"""Renderers of a frozen report: each reads the frozen content only, in one language.

``render_file(content, format=, language=)`` returns the file's bytes; HTML is rendered by
``html.render_html`` (the page and the PDF share it).
"""

from django.utils import translation

from cogwg.choices import ReportFormat

from . import csv, pdf, pptx, xlsx

RENDERERS = {
    ReportFormat.PDF: pdf.render,
    ReportFormat.XLSX: xlsx.render,
    ReportFormat.PPTX: pptx.render,
    ReportFormat.CSV: csv.render,
}

CONTENT_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ReportFormat.CSV: "text/csv; charset=utf-8",
}


def render_file(content: dict, *, format: str, language: str) -> bytes:
    with translation.override(language):
        return RENDERERS[format](content, language=language)
