import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("address", "error", "clear"),
    [
        ("/en/accomplishments/?date_after=foo", "Achieved on or after: Enter a valid date.", "Clear filters"),
        ("/fr/realisations/?priority=abc", "Priorité favorisée\u00a0: «\u00a0abc\u00a0»", "Effacer les filtres"),
        ("/en/challenges/?ordering=bogus", "Ordering: Select a valid choice.", "Clear filters"),
    ],
)
def test_a_bad_filter_in_the_address_is_named_and_cleared_in_one_click(page, demo, address, error, clear):
    page.goto(address)

    summary = page.get_by_role("alert")
    assert error in summary.inner_text()
    assert_accessible(page)
    total = page.locator("#results-heading").inner_text()
    assert not total.startswith("0 ")

    page.get_by_role("link", name=clear).click()
    page.wait_for_load_state()  # the click waits for the next page to start, not to load

    assert "?" not in page.url
    assert page.get_by_role("alert").count() == 0
    assert page.locator("#results-heading").inner_text() == total
