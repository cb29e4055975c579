"""What every public page's frame needs: the other official language and the link that
keeps the reader on the same page in it, and what the frame's static parts vary by. No
queries."""

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


def language_alternates(path, current):
    """The page in each official language, its own included, then ``x-default``: the
    English address without its language prefix, as in the sitemap (an unprefixed address
    leads each reader to their language: cogwg.middleware.LocaleMiddleware). Nothing for an
    address that is no page (a 404)."""
    addresses = {code: path if code == current else translate_url(path, code) for code, _name in settings.LANGUAGES}
    if any(address == path for code, address in addresses.items() if code != current):
        return []
    default = settings.LANGUAGE_CODE
    unprefixed = addresses[default].replace(f"/{default}/", "/", 1)
    return [*addresses.items(), ("x-default", unprefixed)]


def site(request):
    current = translation.get_language() or settings.LANGUAGE_CODE
    other = next((code for code, _name in settings.LANGUAGES if code != current), settings.LANGUAGE_CODE)
    path = request.get_full_path()
    alternates = language_alternates(path, current)
    return {
        "other_language": other,
        "other_language_name": LANGUAGE_SELF_NAMES.get(other, other),
        "other_language_url": dict(alternates).get(other) or other_language_url(path, other),
        # (hreflang, address) pairs for the head's rel="alternate" links.
        "language_alternates": alternates,
        # The menu and footer are kept rendered per language and address prefix
        # (``{% cache … using="frame" %}`` in base.html).
        "script_prefix": get_script_prefix(),
    }
