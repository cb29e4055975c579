"""The report as HTML: one template (``cogwg/reports/_report.html``) for the page, the
browser's print and the PDF; its stylesheet is a static file, never inline."""

from django.template.loader import render_to_string
from django.utils import translation

from .view import report_view

DOCUMENT_TEMPLATE = "cogwg/reports/report_document.html"


def render_html(content: dict, *, language: str) -> str:
    """A standalone HTML document of the report in ``language``."""
    with translation.override(language):
        return render_to_string(DOCUMENT_TEMPLATE, {"r": report_view(content, language)})
