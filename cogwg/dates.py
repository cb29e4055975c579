"""Dates as people write them in each language: Django's formats, and in French the first
of the month as « 1er » (« 1er janvier 2020 », not « 1 janvier 2020 »), which no date
format character gives. Pages get it through the ``date`` filter (cogwg.templatetags.
cogwg_dates, a template builtin that takes the place of Django's); Python code calls
``date_format``."""

import re

from django.utils import dateformat, formats, translation

# A "j" (the day, no leading zero) that no backslash escapes.
DAY = re.compile(r"(?<!\\)((?:\\\\)*)j")
FIRST_OF_THE_MONTH = {"fr": r"j\e\r"}


def date_format(value, format=None):
    """``django.utils.formats.date_format``, with the first of the month as the reader's
    language writes it. ``format`` is a format's name ("DATE_FORMAT") or a format."""
    pattern = formats.get_format(format or "DATE_FORMAT")
    ordinal = FIRST_OF_THE_MONTH.get(translation.get_language())
    if ordinal and getattr(value, "day", None) == 1:
        pattern = DAY.sub(lambda match: match.group(1) + ordinal, pattern)
    return dateformat.format(value, pattern)
