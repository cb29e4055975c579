"""The language of the API's content: ``?lang=en|fr`` when given, else the one Django's
LocaleMiddleware took from ``Accept-Language``. Translated fields are serialized in it
(modeltranslation falls back to the other language when a text is missing) and the
response says which in ``Content-Language``."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

LANG_PARAMETER = "lang"


def language_codes():
    return [code for code, _name in settings.LANGUAGES]


def activate_requested_language(request) -> str:
    """Activate the language asked for with ``?lang=``; 400 naming ``lang`` if it is not one
    of ours. Returns the active language."""
    requested = request.query_params.get(LANG_PARAMETER)
    if requested is not None:
        if requested not in language_codes():
            raise ValidationError(
                {LANG_PARAMETER: [_("Choose one of: %(codes)s.") % {"codes": ", ".join(language_codes())}]}
            )
        translation.activate(requested)
        request.LANGUAGE_CODE = requested
    return translation.get_language()


def in_active_language(texts: dict[str, str]) -> str:
    """Pick from ``{"en": …, "fr": …}`` the active language's text, else the first
    non-empty one in modeltranslation's fallback order."""
    order = [translation.get_language(), *settings.MODELTRANSLATION_FALLBACK_LANGUAGES]
    return next((texts[code] for code in order if texts.get(code)), "")
