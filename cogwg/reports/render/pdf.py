"""The report as PDF: WeasyPrint prints the HTML document with its print stylesheet, as
PDF/UA-1: a tagged PDF (headings, lists and tables a screen reader can follow), in the
report's language, whose viewer shows its title, as accessibility standards ask of a
government's documents.

WeasyPrint fetches nothing from the network: its fetcher here serves the project's own
static files and refuses every other URL (an image in a note, a link's target).
WeasyPrint is imported when a PDF is rendered, not before: without its system libraries
(Pango) the site still runs, and each PDF file fails with the missing library named.
"""

import functools
import logging
import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

from .html import render_html

# The HTML is rendered outside a request: relative URLs resolve against this base.
BASE_URL = "https://cogwg.invalid/"


def _static_path(name):
    """The file of a static asset: collected (hashed names in production), else found in
    the apps' static folders (development and tests)."""
    try:
        if staticfiles_storage.exists(name):
            return staticfiles_storage.path(name)
    except NotImplementedError:
        pass
    return finders.find(name)


def static_file(url):
    """``(bytes, content type)`` of a URL under STATIC_URL; ValueError for any other."""
    prefix = urlsplit(settings.STATIC_URL).path
    prefix = prefix if prefix.startswith("/") else f"/{prefix}"
    path = urlsplit(url).path
    found = _static_path(path.removeprefix(prefix)) if path.startswith(prefix) else None
    if not found:
        raise ValueError(f"Not a static file of this project: {url}")
    with open(found, "rb") as stream:
        return stream.read(), mimetypes.guess_type(found)[0] or "application/octet-stream"


@functools.cache
def _weasyprint():
    # WeasyPrint logs each step of every document at INFO, from its import on: too chatty
    # for a worker's log.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            body, content_type = static_file(url)
            return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    return HTML, StaticFilesFetcher


def render(content: dict, *, language: str) -> bytes:
    html_class, fetcher_class = _weasyprint()
    document = html_class(
        string=render_html(content, language=language), base_url=BASE_URL, url_fetcher=fetcher_class()
    )
    return document.write_pdf(pdf_variant="pdf/ua-1")
