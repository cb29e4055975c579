"""The report as PDF: WeasyPrint prints the HTML document with its print stylesheet, as
PDF/UA-1: a tagged PDF (headings, lists and tables a screen reader can follow), in the
report's language, whose viewer shows its title, as accessibility standards ask of a
government's documents.

WeasyPrint's PDF/UA-1 leaves two things out, which ``finish_pdf_ua`` (a finisher: WeasyPrint
hands it the PDF's objects before writing them) adds:

- a table's header cells have no ``/Scope``: each gets the one its HTML ``scope`` gives
  (``Row`` for ``scope="row"``, else ``Column``, the rule WeasyPrint itself follows to link
  the data cells to their headers with ``/Headers``);
- the page's margin boxes (the running footer: the report's title, "3 / 12") are tagged
  outside the structure tree, which is neither content nor artifact: their text becomes a
  pagination artifact, and their orphan structure elements are emptied.

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

logger = logging.getLogger(__name__)

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


def _number(reference) -> int:
    """The object number of a reference as pydyf writes it (``b"12 0 R"``)."""
    return int(reference.split()[0])


def _set_header_scopes(document):
    for page in document.pages:
        for box in page._page_box.descendants():
            element = getattr(box, "mark", None)  # the cell's structure element (weasyprint.pdf.tags)
            if box.element_tag == "th" and element is not None:
                scope = "/Row" if box.element.get("scope") == "row" else "/Column"
                element["A"]["Scope"] = scope  # its attributes, {"O": "/Table", …}


def _structure_in_tree(pdf) -> set[int]:
    """The numbers of the structure elements reachable from the structure tree's root."""
    found, todo = set(), [pdf.catalog["StructTreeRoot"]]
    while todo:
        number = _number(todo.pop())
        if number in found:
            continue
        found.add(number)
        kids = pdf.objects[number].get("K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, bytes) and pdf.objects[_number(kid)].get("Type") in ("/StructElem", "/StructTreeRoot"):
                todo.append(kid)
    return found


def _content_streams(stream):
    """A page's content stream and the groups (form XObjects) it draws, recursively."""
    yield stream
    xobjects = getattr(stream, "_resources", None) or {}
    xobjects = xobjects.get("XObject") or {}
    for item in stream.stream:
        if isinstance(item, bytes) and item.startswith(b"/") and item.endswith(b" Do"):
            group = xobjects.get(item[1:-3].decode())
            if group is not None and hasattr(group, "stream"):  # a pydyf Stream
                yield from _content_streams(group)


def _margin_boxes_as_artifacts(pdf):
    in_tree = _structure_in_tree(pdf)
    parent_tree = pdf.objects[_number(pdf.catalog["StructTreeRoot"])]["ParentTree"]
    nums = pdf.objects[_number(parent_tree)]["Nums"]
    # Each page's number, then the structure element of each of its marked contents (by MCID).
    by_page = dict(zip(nums[::2], nums[1::2], strict=True))
    for page_number, page_reference in enumerate(pdf.page_references):
        marked = by_page[page_number]
        outside = {
            mcid
            for mcid, element in enumerate(marked)
            if isinstance(element, bytes) and _number(element) not in in_tree
        }
        if not outside:
            continue
        for mcid in outside:
            marked[mcid] = b"null"  # no structure element: an artifact has none
        page = pdf.objects[_number(page_reference)]
        for stream in _content_streams(pdf.objects[_number(page["Contents"])]):
            items = stream.stream
            for index, item in enumerate(items):
                # "/Span", {"MCID": n}, "BDC": the property list is a pydyf Dictionary (a dict).
                if isinstance(item, dict) and item.get("MCID") in outside and items[index + 1] == b"BDC":
                    items[index - 1] = "/Artifact"
                    item.clear()
                    item["Type"] = "/Pagination"
    # The margin boxes' own structure elements, left out of the tree: emptied, so that no
    # structure element names content that is now an artifact.
    for obj in pdf.objects:
        if isinstance(obj, dict) and obj.get("Type") == "/StructElem" and obj.number not in in_tree:
            obj.clear()


def finish_pdf_ua(document, pdf):
    """What WeasyPrint 70's PDF/UA-1 leaves out (see the module's docstring)."""
    if "StructTreeRoot" not in pdf.catalog:  # not a tagged PDF: nothing to finish
        return
    # Both steps read WeasyPrint's and pydyf's internals. Should a release change them, the
    # report is still rendered, as WeasyPrint made it, and the log says what is missing
    # (tests/reports/test_pdf_ua.py fails first).
    for step, argument in ((_set_header_scopes, document), (_margin_boxes_as_artifacts, pdf)):
        try:
            step(argument)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError):
            logger.warning(
                "PDF/UA finishing step %s failed: the PDF is left as WeasyPrint made it", step.__name__, exc_info=True
            )


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
    return document.write_pdf(pdf_variant="pdf/ua-1", finisher=finish_pdf_ua)
