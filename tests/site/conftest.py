import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from tests.site.builders import build_site

# Every public HTML page: (name, URL name, arguments). The arguments match build_site().
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
]
PAGE_IDS = [name for name, _url, _args in PAGES]
LANGUAGES = ["en", "fr"]


def page_url(name, language):
    _name, url_name, args = next(page for page in PAGES if page[0] == name)
    with translation.override(language):
        return reverse(url_name, args=args)


@pytest.fixture(autouse=True)
def empty_cache():
    """The story form's rate limit counts in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(db):
    return build_site(1)
