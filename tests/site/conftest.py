import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from cogwg.choices import StatusReportState
from cogwg.models import StatusReport
from tests.site.builders import build_site


def published_report():
    """The status report build_site() publishes (its key differs from run to run)."""
    return StatusReport.objects.get(state=StatusReportState.PUBLISHED, title_en="Status report, February 2020").pk


# Every public HTML page: (name, URL name, arguments). The arguments match build_site(); a
# callable one is read from the database when the address is made.
PAGES = [
    ("home", "home", []),
    ("about", "about", []),
    ("open-data", "open-data", []),
    ("work-plan-current", "workplan:current", []),
    ("work-plan", "workplan:detail", ["2020"]),
    ("priority", "workplan:priority", ["2020", "priority-1"]),
    ("jurisdictions", "jurisdictions:list", []),
    ("jurisdiction", "jurisdictions:detail", ["j0"]),
    ("accomplishments", "jurisdictions:accomplishments", []),
    ("challenges", "jurisdictions:challenges", []),
    ("stories", "stories:list", []),
    ("story", "stories:detail", ["story-0"]),
    ("story-submit", "stories:submit", []),
    ("story-submitted", "stories:submitted", []),
    ("status-reports", "reports:list", []),
    ("status-report", "reports:detail", [published_report]),
    ("status-report-changes", "reports:changes", [published_report]),
]
PAGE_IDS = [name for name, _url, _args in PAGES]
# Every public download the site's pages link: (name, URL name, arguments), as above.
DOWNLOADS = [
    ("calendar", "milestones-ics", []),
    ("status-report-file", "reports:file", [published_report, "fr", "pdf"]),
]
DOWNLOAD_IDS = [name for name, _url, _args in DOWNLOADS]
LANGUAGES = ["en", "fr"]


def page_url(name, language):
    _name, url_name, args = next(page for page in [*PAGES, *DOWNLOADS] if page[0] == name)
    with translation.override(language):
        return reverse(url_name, args=[arg() if callable(arg) else arg for arg in args])


@pytest.fixture(autouse=True)
def empty_cache():
    """The story form's rate limit counts in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(db):
    return build_site(1)
