"""Reflow (WCAG 1.4.10): at 320 CSS pixels wide, or 1280 at 400 % zoom, no page scrolls
sideways; a wide table scrolls inside its own box, which the keyboard can reach (2.1.1)
and which is named after the table (a group: a region, a landmark, would repeat the name
of the section around it)."""

import pytest

from tests.browser.test_site import url

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}

# The elements whose right edge passes the window's, to name the culprit when a page scrolls.
OVERFLOWING = """() => [...document.querySelectorAll("body *")]
  .filter(element => element.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .filter(element => !element.closest(".table-wrap, .report-table-wrap"))
  .slice(0, 5)
  .map(element => `${element.tagName.toLowerCase()}.${element.className} ${element.getBoundingClientRect().right}px`)"""


def assert_no_sideways_scroll(page, address):
    response = page.goto(address)
    assert response.status == 200, address
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], (address, width, page.evaluate(OVERFLOWING))


@pytest.fixture
def narrow(browser_context):
    return browser_context(viewport=NARROW).new_page()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_page_scrolls_sideways_at_320_pixels(narrow, demo, language):
    from cogwg.reports.demo import freeze_demo_report

    report = freeze_demo_report()
    addresses = [
        url("home", language=language),
        url("workplan:detail", ["2020"], language),
        url("workplan:priority", ["2020", "open-data-user-stories"], language),
        url("jurisdictions:accomplishments", language=language),
        f"{url('jurisdictions:accomplishments', language=language)}?jurisdiction=YT&category=bogus",
        url("jurisdictions:challenges", language=language),
        url("stories:list", language=language),
        url("open-data", language=language),
        url("reports:detail", [report.pk], language),
    ]

    for address in addresses:
        assert_no_sideways_scroll(narrow, address)


def test_the_report_page_does_not_scroll_sideways_at_200_percent_zoom(browser_context, demo):
    from cogwg.reports.demo import freeze_demo_report

    report = freeze_demo_report()
    # 1280 pixels at 200 %: a 640-pixel window with twice the pixel density.
    page = browser_context(viewport={"width": 640, "height": 512}, device_scale_factor=2).new_page()

    page.goto(url("reports:detail", [report.pk]))

    assert page.evaluate("document.documentElement.scrollWidth") <= 640


def test_a_wide_table_scrolls_in_its_own_box_that_the_keyboard_reaches(narrow, demo):
    narrow.goto(url("workplan:detail", ["2020"]))
    box = narrow.locator(".table-wrap", has=narrow.locator("table[aria-labelledby=priorities-heading]"))
    assert box.evaluate("element => element.scrollWidth > element.clientWidth")  # the table is wider

    box.focus()
    narrow.keyboard.press("End")  # not a link's: the box scrolls, as with the arrow keys
    narrow.keyboard.press("ArrowRight")

    assert box.evaluate("element => element === document.activeElement")
    # The browser scrolls after the key press, when it gets to it (smoothly, or under load).
    narrow.wait_for_function("element => element.scrollLeft > 0", arg=box.element_handle(), timeout=5000)
    assert box.evaluate("element => element.scrollLeft") > 0
    assert box.evaluate("element => getComputedStyle(element).outlineStyle") == "solid"
    assert narrow.get_by_role("group", name="Priorities", exact=True).count() == 1


def test_the_status_reports_tables_scroll_in_their_own_box_on_screen(narrow, demo):
    from cogwg.reports.demo import freeze_demo_report

    narrow.goto(url("reports:detail", [freeze_demo_report().pk]))

    boxes = narrow.locator(".report-table-wrap")
    assert boxes.count() == narrow.locator(".report-table-wrap > table.report-table").count() > 1
    assert narrow.locator("table.report-table").count() == boxes.count()
    for index in range(boxes.count()):
        box = boxes.nth(index)
        assert box.get_attribute("tabindex") == "0"
        assert box.evaluate("element => getComputedStyle(element).overflowX") == "auto"
        caption = box.locator("caption").inner_text()
        assert narrow.get_by_role("group", name=caption, exact=True).count() == 1
