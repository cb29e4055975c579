import pytest
from django.urls import reverse
from django.utils import translation

from stories.choices import StoryState
from stories.models import UserStory
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

PAGES = [
    ("home", []),
    ("about", []),
    ("open-data", []),
    ("privacy", []),
    ("workplan:current", []),
    ("workplan:detail", ["2020"]),
    ("workplan:priority", ["2020", "open-data-user-stories"]),
    ("workplan:priority", ["2020", "publish-with-a-purpose"]),
    ("jurisdictions:list", []),
    ("jurisdictions:detail", ["ca"]),
    ("jurisdictions:detail", ["yt"]),
    ("jurisdictions:accomplishments", []),
    ("jurisdictions:challenges", []),
    ("stories:list", []),
    ("stories:detail", ["clinic-finder"]),
    ("stories:submit", []),
    ("stories:submitted", []),
    ("reports:list", []),
]


def url(name, args=(), language="en"):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_page_in_both_languages_has_one_h1_and_no_axe_violation(page, demo, language):
    from cogwg.reports.demo import freeze_demo_report

    report = freeze_demo_report()
    pages = [url(name, args, language) for name, args in PAGES]
    pages += [url("reports:detail", [report.pk], language), url("reports:changes", [report.pk], language)]

    for address in pages:
        response = page.goto(address)
        assert response.status == 200, address
        assert page.get_attribute("html", "lang") == language
        assert page.locator("h1").count() == 1, address
        assert_accessible(page)

    not_found = page.goto(f"/{language}/nowhere/")
    assert not_found.status == 404
    assert_accessible(page)


def test_the_language_toggle_keeps_the_reader_on_the_same_page(page, demo):
    page.goto(url("workplan:priority", ["2020", "open-data-user-stories"]))

    page.get_by_role("link", name="Français").click()
    page.wait_for_load_state()  # the click waits for the next page to start, not to load

    assert page.url.endswith("/fr/plan-de-travail/2020/recits-utilisateurs-donnees-ouvertes/")
    assert page.get_attribute("html", "lang") == "fr"
    assert "Priorité 1" in page.locator("h1").inner_text()

    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()

    assert page.url.endswith("/en/work-plan/2020/open-data-user-stories/")
    assert "Priority 1" in page.locator("h1").inner_text()


def test_the_dashboard_leads_to_a_priority_and_to_a_jurisdiction(page, demo):
    page.goto("/en/")
    progress = page.locator("table", has=page.get_by_role("columnheader", name="Progress")).first
    assert "100%" not in progress.inner_text()

    progress.get_by_role("link", name="1. Open Data User Stories").click()
    page.wait_for_load_state()

    assert page.locator("h1").inner_text() == "Priority 1: Open Data User Stories"
    timeline = page.locator("#timeline-heading + ol")
    assert "Completed" in timeline.inner_text()
    assert "The initial inventory is in place." in timeline.inner_text()

    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_load_state()
    jurisdiction = page.locator("section[aria-labelledby=accomplishments-heading] .meta a").first
    name = jurisdiction.inner_text()
    jurisdiction.click()
    page.wait_for_load_state()

    assert "/en/jurisdictions/" in page.url
    assert name in page.locator("h1").inner_text()
    assert page.get_by_role("heading", name="Accomplishments").is_visible()
    assert page.get_by_role("heading", name="Open data and open government").is_visible()


def test_a_story_with_mistakes_shows_the_errors_then_goes_through(page, demo):
    page.goto(url("stories:submit", language="fr"))

    page.get_by_role("button", name="Soumettre votre récit").click()
    page.wait_for_load_state()

    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert "Le formulaire n'a pas pu être soumis, car 6 erreurs ont été trouvées." in summary.inner_text()
    assert page.title().startswith("Erreur")
    assert_accessible(page)
    summary.get_by_role("link", name="Entrez le titre de votre récit.").click()
    assert page.evaluate("document.activeElement.id") == "id_title"

    page.get_by_label("Titre de votre récit").fill("Des cliniques plus proches")
    page.get_by_label("Résumé").fill("Une chercheuse a cartographié les cliniques.")
    page.get_by_label("Chercheur").check()
    page.get_by_label("Économique").check()
    page.get_by_label("Les données ouvertes de quelle administration avez-vous utilisées").select_option("QC")
    page.get_by_label("Votre adresse courriel").fill("camille@example.org")
    page.get_by_label("J'accepte que le groupe de travail publie mon récit").check()
    page.get_by_role("button", name="Soumettre votre récit").click()
    page.wait_for_load_state()

    assert page.url.endswith("/fr/recits-utilisateurs/soumettre/merci/")
    assert page.locator("h1").inner_text() == "Merci pour votre récit"
    story = UserStory.objects.get(title_fr="Des cliniques plus proches")
    assert story.state == StoryState.SUBMITTED
    assert story.jurisdiction.code == "QC"


def test_the_skip_link_appears_on_focus_and_jumps_to_the_content(page, demo):
    page.goto("/en/")

    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    # Playwright learns of an in-page navigation by an event: wait for it rather than race it.
    page.wait_for_url("**/en/#main", timeout=5000)
    assert page.url.endswith("#main")


def test_the_site_works_without_javascript(browser_context, demo):
    page = browser_context(java_script_enabled=False).new_page()

    page.goto(url("jurisdictions:accomplishments"))
    page.get_by_label("Yukon").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()

    assert "jurisdiction=YT" in page.url
    assert page.get_by_role("heading", name="1 accomplishment").is_visible()

    page.goto(url("stories:submit"))
    page.get_by_role("button", name="Submit your story").click()
    page.wait_for_load_state()
    assert page.locator("#error-summary").is_visible()
