"""What every public page's frame needs: the other official language and the link that
keeps the reader on the same page in it, and what the frame's static parts vary by. No
queries."""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import get_script_prefix, reverse, translate_url
from django.utils import translation

# Each language is named in itself, as on Canada.ca.
LANGUAGE_SELF_NAMES = {"en": "English", "fr": "Français"}


def other_language_url(path, language):
    url = translate_url(path, language)
    if url == path:
        # The page has no counterpart (a 404): offer the other language's home page.
        with translation.override(language):
            url = reverse("home")
    return url


def language_alternates(path, current, addresses=None):
    """The page in each official language, its own included, then ``x-default``: the
    English address without its language prefix, as in the sitemap (an unprefixed address
    leads each reader to their language: cogwg.middleware.LocaleMiddleware). Nothing for an
    address that is no page (a 404).

    ``addresses`` (language → path) are the page's own, for a page whose address changes
    from one language to the other by more than translate_url() translates: a priority's
    and a story's page are at another slug in each language. The query string is kept, as
    translate_url() keeps it."""
    if addresses is None:
        addresses = {code: path if code == current else translate_url(path, code) for code, _name in settings.LANGUAGES}
        if any(address == path for code, address in addresses.items() if code != current):
            return []
    else:
        query = urlsplit(path).query
        addresses = {code: f"{address}?{query}" if query else address for code, address in addresses.items()}
    default = settings.LANGUAGE_CODE
    unprefixed = addresses[default].replace(f"/{default}/", "/", 1)
    return [*addresses.items(), ("x-default", unprefixed)]


def language_links(request, addresses=None):
    """The frame's links to the page in the official languages: the language switcher's
    and the head's ``rel="alternate"`` ones. A page that gives its own ``addresses`` (see
    ``language_alternates``) puts these in its context, over the ones ``site`` made."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    other = next((code for code, _name in settings.LANGUAGES if code != current), settings.LANGUAGE_CODE)
    path = request.get_full_path()
    alternates = language_alternates(path, current, addresses)
    return {
        "other_language": other,
        "other_language_name": LANGUAGE_SELF_NAMES.get(other, other),
        "other_language_url": dict(alternates).get(other) or other_language_url(path, other),
        # (hreflang, address) pairs for the head's rel="alternate" links.
        "language_alternates": alternates,
    }


def site(request):
    return {
        **language_links(request),
        # The menu and footer are kept rendered per language and address prefix
        # (``{% cache … using="frame" %}`` in base.html).
        "script_prefix": get_script_prefix(),
    }
