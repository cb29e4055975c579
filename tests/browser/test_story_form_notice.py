"""In a real browser, the story form's consent checkbox is described by the privacy notice
before it (what a screen reader reads with the checkbox), and by its error message once
refused; the page passes axe, and the notice leads to the full privacy notice."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


def url(name, language):
    with translation.override(language):
        return reverse(name)


def checkbox_description(page):
    """The accessible description Chromium computes for the consent checkbox."""
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    (checkbox,) = [node for node in nodes if node.get("role", {}).get("value") == "checkbox"]
    return checkbox.get("description", {}).get("value", "")


@pytest.mark.parametrize(
    ("language", "said", "button"),
    [
        ("en", "We send you automatic e-mails: a receipt when your story arrives", "Submit your story"),
        ("fr", "Nous vous envoyons des courriels automatiques", "Soumettre votre récit"),
    ],
)
def test_the_consent_checkbox_is_described_by_the_notice_then_by_its_error_too(
    page, transactional_db, language, said, button
):
    page.goto(url("stories:submit", language))

    assert said in checkbox_description(page)
    assert_accessible(page)

    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()

    description = checkbox_description(page)
    assert said in description
    error = page.locator("#id_consent_error").inner_text().strip()
    assert error and error in description


def test_the_notice_leads_to_the_full_privacy_notice(page, transactional_db):
    page.goto(url("stories:submit", "fr"))

    page.get_by_role("link", name="Lire l'avis de confidentialité complet").click()
    page.wait_for_load_state()

    assert page.url.endswith("/fr/confidentialite/")
    assert page.locator("h1").inner_text() == "Avis de confidentialité"
