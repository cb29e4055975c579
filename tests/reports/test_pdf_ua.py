"""The report's PDF as PDF/UA-1 asks, read back with pypdf: every table header cell has its
scope, the data cells name their headers, and the running footer (the report's title and
the page number, in the page's margin boxes) is a pagination artifact, while every other
text belongs to the structure tree (cogwg.reports.render.pdf.finish_pdf_ua); and each table
is one table, its caption with its rows."""

import datetime
import io

import pypdf
import pytest

from cogwg.demo.loader import load_cogwg_2020
from cogwg.models import StatusReport
from cogwg.reports.content import build_content
from cogwg.reports.render import render_file
from tests.reports.story_inventory import AS_OF, make_stories

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(plan, draft_report):
    make_stories()
    draft_report.as_of = AS_OF
    return build_content(report=draft_report)


def reader(content, language):
    return pypdf.PdfReader(io.BytesIO(render_file(content, format="pdf", language=language)))


def kids(element):
    found = element.get("/K", [])
    found = found if isinstance(found, list) else [found]
    return [kid for kid in found if isinstance(kid, pypdf.generic.IndirectObject)]


def structure(pdf):
    """Every structure element reachable from the root, by object number."""
    elements, todo = {}, list(kids(pdf.trailer["/Root"]["/StructTreeRoot"]))
    while todo:
        reference = todo.pop()
        element = reference.get_object()
        if reference.idnum in elements or "/S" not in element:
            continue
        elements[reference.idnum] = element
        todo += kids(element)
    return elements


def marked_texts(pdf, page):
    """Each text the page shows, with the marked-content sequences it is in (innermost
    last), each as (tag, properties)."""
    stack, texts = [], []

    def before(operator, operands, cm, tm):
        if operator == b"BDC":
            stack.append((operands[0], operands[1]))
        elif operator == b"BMC":
            stack.append((operands[0], {}))
        elif operator == b"EMC":
            stack.pop()

    def text(value, cm, tm, font, size):
        if value.strip():
            texts.append((value.strip(), list(stack)))

    pdf.pages[page].extract_text(visitor_operand_before=before, visitor_text=text)
    return texts


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_running_footer_is_an_artifact_and_every_other_text_is_in_the_structure_tree(content, language):
    pdf = reader(content, language)
    in_tree = structure(pdf)
    parent_tree = pdf.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    pages = len(pdf.pages)
    assert pages > 1

    for number, page in enumerate(pdf.pages):
        texts = marked_texts(pdf, number)
        footer = [value for value, marks in texts if marks and marks[-1][0] == "/Artifact"]
        assert footer == [content["report"]["title"][language], f"{number + 1} / {pages}"]
        for _value, marks in texts:
            if marks[-1][0] == "/Artifact":
                assert marks[-1][1] == {"/Type": "/Pagination"}
                continue
            mcid = marks[-1][1]["/MCID"]
            elements = parent_tree[parent_tree.index(page["/StructParents"]) + 1]
            assert elements[mcid].idnum in in_tree


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_table_header_cell_has_its_scope(content, language):
    elements = structure(reader(content, language))

    headers = [element for element in elements.values() if element["/S"] == "/TH"]
    assert len(headers) > 10
    for header in headers:
        group = header["/P"].get_object()["/P"].get_object()["/S"]
        assert header["/A"]["/Scope"] == ("/Column" if group == "/THead" else "/Row")


def test_the_stories_table_links_each_number_to_its_row_and_column_headers(content):
    elements = structure(reader(content, "en"))

    def children(element, tag):
        return [kid.get_object() for kid in kids(element) if kid.get_object().get("/S") == tag]

    def rows(table):
        return [
            row for group in children(table, "/TBody") + children(table, "/THead") for row in children(group, "/TR")
        ]

    # The table whose header row has four cells: "User stories" and the three stretches of days.
    (table,) = [
        table
        for table in elements.values()
        if table["/S"] == "/Table"
        and [len(children(row, "/TH")) for group in children(table, "/THead") for row in children(group, "/TR")] == [4]
    ]
    (head,) = children(children(table, "/THead")[0], "/TR")
    column_ids = [cell["/ID"] for cell in children(head, "/TH")]
    body = children(children(table, "/TBody")[0], "/TR")
    assert len(body) == 2  # received, published
    for row in body:
        (row_header,) = children(row, "/TH")
        assert row_header["/A"]["/Scope"] == "/Row"
        cells = children(row, "/TD")
        assert [list(cell["/A"]["/Headers"]) for cell in cells] == [
            [row_header["/ID"], column_id] for column_id in column_ids[1:]
        ]
    assert {cell["/A"]["/Scope"] for cell in children(head, "/TH")} == {"/Column"}
    assert len(rows(table)) == 3


def test_a_finishing_step_that_fails_leaves_the_pdf_as_weasyprint_made_it(content, monkeypatch, caplog):
    from cogwg.reports.render import pdf as pdf_module

    def broken(pdf):
        raise KeyError("ParentTree")

    monkeypatch.setattr(pdf_module, "_margin_boxes_as_artifacts", broken)

    document = reader(content, "en")

    assert len(document.pages) > 1
    assert "PDF/UA finishing step broken failed" in caplog.text


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_table_is_tagged_once_with_its_caption_and_rows(language):
    """A caption left alone at the foot of a page is a table of its own in the tagged PDF,
    holding no row, and its rows another one, with no caption, on the next page (the demo
    report's English annex did, on page 10)."""
    load_cogwg_2020()
    content = StatusReport.objects.get(as_of=datetime.date(2020, 2, 27)).content
    elements = structure(reader(content, language))

    def children(element, tag):
        return [kid.get_object() for kid in kids(element) if kid.get_object().get("/S") == tag]

    tables = [element for element in elements.values() if element["/S"] == "/Table"]
    # The priorities, the user stories, and each priority's work plan in the annex.
    assert len(tables) == 2 + len(content["priorities"])
    for table in tables:
        assert len(children(table, "/Caption")) == 1
        assert [len(children(body, "/TR")) > 0 for body in children(table, "/TBody")] == [True]
