"""An error summary takes the focus when its page loads, without JavaScript (the site has
none), and each of its links takes the focus to the field (WCAG 3.3.1, 2.4.3)."""

import pytest

from tests.browser.test_site import url

pytestmark = pytest.mark.browser


def focused_id(page):
    return page.evaluate("document.activeElement.id")


@pytest.mark.parametrize(
    ("language", "title"), [("en", "Error: Accomplishments"), ("fr", "Erreur\u00a0: Réalisations")]
)
def test_a_bad_filter_focuses_the_summary_whose_link_focuses_the_first_checkbox(browser_context, demo, language, title):
    page = browser_context(java_script_enabled=False).new_page()

    page.goto(f"{url('jurisdictions:accomplishments', language=language)}?jurisdiction=NOPE")

    assert focused_id(page) == "error-summary"
    assert page.title().startswith(title)
    page.locator("#error-summary a").click()
    assert focused_id(page) == "id_jurisdiction_0"


def test_the_story_forms_summary_has_the_focus_after_a_failed_submission(browser_context, demo):
    page = browser_context(java_script_enabled=False).new_page()
    page.goto(url("stories:submit"))
    assert focused_id(page) == ""  # nothing is taken before a submission

    page.get_by_role("button", name="Submit your story").click()
    page.wait_for_load_state()

    assert focused_id(page) == "error-summary"
