"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright's sync API against
Django's live server, with axe-core checking each page."""

import datetime
import os

import pytest

# Playwright's sync API runs an event loop in the test's thread; the test's own database
# work (fixtures) is still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context(require_chromium, chromium, live_server):
    def open_context(**options):
        context = chromium.new_context(base_url=live_server.url, locale="en-CA", **options)
        contexts.append(context)
        return context

    contexts = []
    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(browser_context):
    return browser_context().new_page()


@pytest.fixture
def demo(transactional_db):
    """The 2020 demo data (the Joint Councils deck), plus what the deck lacks for a full
    site: a published user story with datasets and a published progress update."""
    from django.core.management import call_command

    from stories.choices import Impact, StoryState, UserType
    from tests.factories import DatasetFactory, ThemeFactory, UserStoryFactory
    from workplan.choices import MilestoneStatus
    from workplan.models import Priority
    from workplan.services import milestone_post_update

    call_command("load_cogwg_2020", stdout=open(os.devnull, "w"))  # noqa: SIM115
    priority = Priority.objects.select_related("work_plan").get(work_plan__slug="2020", number=1)
    milestone = priority.milestones.order_by("due_date").first()
    milestone_post_update(
        milestone=milestone,
        reported_on=datetime.date(2020, 3, 31),
        status=MilestoneStatus.COMPLETED,
        progress=100,
        note_en="The initial inventory is in place.",
        note_fr="L'inventaire initial est en place.",
    )
    story = UserStoryFactory(
        slug="clinic-finder",
        title_en="Finding walk-in clinics",
        title_fr="Trouver des cliniques sans rendez-vous",
        summary_en="A developer mapped clinics with open data.",
        summary_fr="Un développeur a cartographié les cliniques grâce aux données ouvertes.",
        user_type=UserType.BUSINESS,
        impact=Impact.SOCIAL,
        state=StoryState.PUBLISHED,
        published_on=datetime.date(2020, 6, 30),
        release=milestone,
    )
    story.themes.set([ThemeFactory(slug="health", name_en="Health", name_fr="Santé")])
    story.datasets.set([DatasetFactory(title_en="Health facilities", title_fr="Établissements de santé")])
    return {"priority": priority, "story": story}


def assert_accessible(page):
    """axe-core (WCAG 2.0/2.1 A and AA and best practices) finds nothing on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
