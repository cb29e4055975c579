"""What an accessibility review of the public pages (WCAG 2.1 AA) found, read in the HTML:
scrolling tables the keyboard reaches (2.1.1), milestone rows with a header and links
named after where they go (1.3.1, 2.4.4), text in the other language marked as such
(3.1.2), filter errors that lead to the field (3.3.1), and the report's heading order
(1.3.1). The same pages at 320 pixels are in tests/browser/test_a11y_reflow.py."""

import datetime
import itertools
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from cogwg.choices import StatusReportState
from cogwg.models import StatusReport
from stories.models import Theme
from tests.factories import WorkPlanFactory
from tests.site.conftest import LANGUAGES, page_url
from tests.site.text import visible_text
from workplan.choices import SeatRole, WorkPlanStatus
from workplan.models import Assignment

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children, self.texts = tag, attrs, parent, [], []

    def walk(self):
        for child in self.children:
            yield child
            yield from child.walk()

    def find_all(self, tag, **attrs):
        """The elements ``tag`` below this one whose attributes have these values
        (``aria_labelledby=`` for ``aria-labelledby``)."""
        wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
        return [
            element
            for element in self.walk()
            if element.tag == tag and all(element.attrs.get(name) == value for name, value in wanted.items())
        ]

    def ancestors(self):
        element = self.parent
        while element is not None:
            yield element
            element = element.parent

    @property
    def text(self):
        return " ".join(" ".join([*self.texts, *(child.text for child in self.children)]).split())


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", {}, None)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag):
        for element in [self.current, *self.current.ancestors()]:
            if element.tag == tag:
                self.current = element.parent
                return

    def handle_data(self, data):
        self.current.texts.append(data)


def parse(html):
    tree = _Tree()
    tree.feed(html)
    return tree.root


def by_id(root, ident):
    return next((element for element in root.walk() if element.attrs.get("id") == ident), None)


def get(client, name, language="en", query=None):
    response = client.get(page_url(name, language), query or {})
    assert response.status_code == 200
    return response.content.decode()


# 1. Scrolling tables -------------------------------------------------------------------

TABLE_PAGES = ["home", "work-plan", "priority", "jurisdictions", "jurisdiction", "open-data"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", TABLE_PAGES)
def test_every_table_scrolls_in_a_box_the_keyboard_reaches_named_by_the_tables_heading(client, site, name, language):
    root = parse(get(client, name, language))

    tables = root.find_all("table")
    assert tables
    for table in tables:
        box = table.parent
        assert box.attrs.get("class") == "table-wrap", (name, table.attrs)
        assert (box.attrs.get("tabindex"), box.attrs.get("role")) == ("0", "group")
        assert box.attrs["aria-labelledby"] == table.attrs["aria-labelledby"]
        heading = by_id(root, box.attrs["aria-labelledby"])
        assert heading.tag in ("h2", "h3") and heading.text


def test_the_milestones_by_status_table_scrolls_in_its_box(client, site):
    for name in ("home", "work-plan"):
        table = parse(get(client, name)).find_all("table", aria_labelledby="by-status-heading")[0]

        assert table.parent.attrs.get("class") == "table-wrap"


# 2. Milestone tables ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["home", "work-plan"])
def test_each_milestone_row_has_its_description_as_header_linking_to_the_milestone(client, site, name):
    root = parse(get(client, name))
    rows = [
        row
        for table in root.find_all("table")
        if "Milestone" in [th.text for th in table.find_all("th", scope="col")]
        for row in table.find_all("tbody")[0].find_all("tr")
    ]

    assert rows
    for row in rows:
        header = row.find_all("th", scope="row")
        assert len(header) == 1
        link = header[0].find_all("a")[0]
        assert re.fullmatch(r"/en/work-plan/2020/priority-1/#milestone-\d+", link.attrs["href"])
        assert link.text.startswith("Release stories, round ")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ["home", "work-plan", "priority"])
def test_links_with_the_same_name_go_to_the_same_place(client, site, name, language):
    main = parse(get(client, name, language)).find_all("main")[0]

    targets = {}
    for link in main.find_all("a"):
        targets.setdefault(link.text, set()).add(link.attrs["href"])

    assert {text: hrefs for text, hrefs in targets.items() if len(hrefs) > 1} == {}


def test_the_priority_pages_milestone_table_has_a_header_per_row(client, site):
    table = parse(get(client, "priority")).find_all("table", aria_labelledby="milestone-table-heading")[0]

    headers = [row.find_all("th", scope="row") for row in table.find_all("tbody")[0].find_all("tr")]
    assert [[th.text for th in row] for row in headers] == [
        ["Release stories, round 3"],
        ["Release stories, round 9"],
    ]


# 3. Text in the other language ---------------------------------------------------------


@pytest.fixture
def untranslated(site):
    """The plan, its priority, a seat's organization and a theme not translated into French
    yet (each page falls back to the English), and a closed plan in English only."""
    site.plan.title_fr = ""
    site.plan.save()
    site.priority.title_fr = ""
    site.priority.save()
    Assignment.objects.filter(priority=site.priority, role=SeatRole.PARTNER).update(
        organization_en="Office of the Chief Information Officer", organization_fr=""
    )
    Theme.objects.filter(slug="health").update(name_fr="")
    WorkPlanFactory(
        slug="2019",
        title_en="COGWG 2019 Work Plan",
        title_fr="",
        start_date=datetime.date(2019, 1, 1),
        end_date=datetime.date(2019, 12, 31),
        status=WorkPlanStatus.CLOSED,
    )
    return site


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("priority", ["COGWG 2020 Work Plan", "Office of the Chief Information Officer", "Open data stories 1"]),
        ("work-plan", ["COGWG 2019 Work Plan", "Office of the Chief Information Officer", "Open data stories 1"]),
        ("accomplishments", ["Open data stories 1"]),
        ("jurisdiction", ["COGWG 2020 Work Plan", "Office of the Chief Information Officer", "Open data stories 1"]),
        ("stories", ["Health"]),  # a story's theme, and the theme filter's checkbox
    ],
)
def test_english_shown_on_a_french_page_is_marked_as_english(client, untranslated, name, english):
    html = get(client, name, "fr")

    body = re.sub(r"<head>.*</head>", "", html, flags=re.S)  # a <title> cannot mark a part's language
    assert all(text in body for text in english)  # shown: the fallback of a missing translation
    # visible_text() sets aside what is marked with another lang: nothing English is left.
    assert [text for text in english if text in visible_text(body)] == []


def test_the_breadcrumb_marks_the_plans_english_title_on_a_french_page(client, untranslated):
    breadcrumb = parse(get(client, "priority", "fr")).find_all("nav", **{"class": "breadcrumb"})[0]

    link = next(a for a in breadcrumb.find_all("a") if a.text == "COGWG 2020 Work Plan")
    assert link.attrs.get("lang") == "en"


@pytest.mark.parametrize("name", ["priority", "work-plan", "accomplishments", "jurisdiction", "stories"])
def test_a_translated_text_is_not_marked(client, site, name):
    root = parse(get(client, name, "fr"))

    main = root.find_all("main")[0]
    assert [element.attrs["lang"] for element in main.walk() if "lang" in element.attrs] == []
    crumbs = root.find_all("nav", **{"class": "breadcrumb"})[0]
    assert [element.attrs["lang"] for element in crumbs.walk() if "lang" in element.attrs] == []


# 4. Errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title"), [("en", "Error: Accomplishments \u2013 "), ("fr", "Erreur\u00a0: Réalisations \u2013 ")]
)
def test_a_bad_value_of_a_shown_filter_leads_to_its_first_checkbox_which_names_the_error(client, site, language, title):
    html = get(client, "accomplishments", language, {"jurisdiction": "NOPE"})
    root = parse(html)

    summary = by_id(root, "error-summary")
    assert (summary.attrs.get("tabindex"), "autofocus" in summary.attrs) == ("-1", True)
    assert [a.attrs["href"] for a in summary.find_all("a")] == ["#id_jurisdiction_0"]
    assert by_id(root, "id_jurisdiction_0").tag == "input"
    fieldset = by_id(root, "id_jurisdiction")
    assert fieldset.tag == "fieldset" and "field--error" in fieldset.attrs["class"].split()
    message = by_id(root, fieldset.attrs["aria-describedby"])
    assert message.parent is fieldset and "NOPE" in message.text
    assert root.find_all("title")[0].text.startswith(title.replace("\u00a0", " "))


def test_a_bad_filter_given_in_the_address_only_is_named_without_a_link_and_marks_no_field(client, site):
    root = parse(get(client, "accomplishments", "en", {"date_after": "foo"}))

    assert by_id(root, "error-summary").find_all("a") == []
    assert [f for f in root.find_all("fieldset") if "aria-describedby" in f.attrs] == []
    assert root.find_all("title")[0].text.startswith("Error: ")


@pytest.mark.parametrize("query", [{}, {"jurisdiction": "J0"}])
def test_a_list_without_a_bad_filter_has_no_error_summary_or_error_title(client, site, query):
    root = parse(get(client, "accomplishments", "en", query))

    assert by_id(root, "error-summary") is None
    assert [element for element in root.walk() if "autofocus" in element.attrs] == []
    assert root.find_all("title")[0].text.startswith("Accomplishments \u2013 ")


def test_the_story_forms_error_summary_takes_the_focus_when_the_page_loads(client, site):
    html = client.post(page_url("story-submit", "en"), {}).content.decode()

    summary = by_id(parse(html), "error-summary")
    assert (summary.attrs.get("tabindex"), "autofocus" in summary.attrs) == ("-1", True)


def test_the_story_form_has_no_focus_taken_before_a_submission(client, site):
    root = parse(get(client, "story-submit"))

    assert by_id(root, "error-summary") is None
    assert [element for element in root.walk() if "autofocus" in element.attrs] == []


# 5. The status report page ------------------------------------------------------------


def report_page(client, language="en"):
    report = StatusReport.objects.get(state=StatusReportState.PUBLISHED)
    with translation.override(language):
        address = reverse("reports:detail", args=[report.pk])
    response = client.get(address)
    assert response.status_code == 200
    return parse(response.content.decode())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_report_pages_headings_start_at_its_h1_and_skip_no_level(client, site, language):
    main = report_page(client, language).find_all("main")[0]

    levels = [int(element.tag[1]) for element in main.walk() if re.fullmatch(r"h[1-6]", element.tag)]
    assert levels[0] == 1
    assert all(later <= earlier + 1 for earlier, later in itertools.pairwise(levels))
    nav = main.find_all("nav", **{"class": "report-actions"})[0]
    assert nav.attrs["aria-label"] and nav.find_all("a")  # the downloads stay, named by the nav


def test_the_report_pages_tables_scroll_in_a_box_named_by_their_caption(client, site):
    root = report_page(client)

    tables = root.find_all("table")
    assert len(tables) == 1 + 1 + 1  # the priorities, the user stories inventory, the one priority's annex
    for table in tables:
        box = table.parent
        assert (box.attrs.get("class"), box.attrs.get("tabindex"), box.attrs.get("role")) == (
            "report-table-wrap",
            "0",
            "group",
        )
        caption = by_id(root, box.attrs["aria-labelledby"])
        assert caption.tag == "caption" and caption.parent is table and caption.text
