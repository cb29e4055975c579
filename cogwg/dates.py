"""Dates as people write them in each language: Django's formats, and in French the first
of the month as « 1er » (« 1er janvier 2020 », not « 1 janvier 2020 »), which no date
format character gives. Pages get it through the ``date`` filter (cogwg.templatetags.
cogwg_dates, a template builtin that takes the place of Django's); Python code calls
``date_format``.

And which day it is: the site decides in its own time zone (``settings.TIME_ZONE``,
America/Toronto), ``today()``; but a date is "in the future" only once it is not yet today
anywhere in Canada (``is_future``), so that a reporter in St. John's, whose day begins an
hour and a half before Toronto's, may date an update on their own today."""

import datetime
import re
import zoneinfo

from django.utils import dateformat, formats, timezone, translation

# A "j" (the day, no leading zero) that no backslash escapes.
DAY = re.compile(r"(?<!\\)((?:\\\\)*)j")
FIRST_OF_THE_MONTH = {"fr": r"j\e\r"}
# Canada's easternmost time zone (Newfoundland): its day begins first in the country.
EARLIEST_ZONE = zoneinfo.ZoneInfo("America/St_Johns")


def date_format(value, format=None):
    """``django.utils.formats.date_format``, with the first of the month as the reader's
    language writes it. ``format`` is a format's name ("DATE_FORMAT") or a format."""
    pattern = formats.get_format(format or "DATE_FORMAT")
    ordinal = FIRST_OF_THE_MONTH.get(translation.get_language())
    if ordinal and getattr(value, "day", None) == 1:
        pattern = DAY.sub(lambda match: match.group(1) + ordinal, pattern)
    return dateformat.format(value, pattern)


def today() -> datetime.date:
    """Today in the site's time zone (``settings.TIME_ZONE``): the day a new update is dated
    by default (the admin's form, a reporting period's sheet)."""
    return timezone.localdate()


def latest_today() -> datetime.date:
    """The latest date that is today somewhere in Canada: today in St. John's
    (``EARLIEST_ZONE``), which is the site's today or, late in the site's evening, the next day."""
    return timezone.localdate(timezone=EARLIEST_ZONE)


def is_future(day: datetime.date) -> bool:
    """Whether ``day`` is in the future everywhere in Canada: after today in its easternmost
    time zone (``latest_today``). The one rule of "cannot be dated in the future"."""
    return day > latest_today()
