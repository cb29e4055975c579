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


def site(request):
    current = translation.get_language() or settings.LANGUAGE_CODE
    other = next((code for code, _name in settings.LANGUAGES if code != current), settings.LANGUAGE_CODE)
    return {
        "other_language": other,
        "other_language_name": LANGUAGE_SELF_NAMES.get(other, other),
        "other_language_url": other_language_url(request.get_full_path(), other),
        # The menu and footer are kept rendered per language and address prefix
        # (``{% cache … using="frame" %}`` in base.html).
        "script_prefix": get_script_prefix(),
    }
