"""Dates as people write them in each language: Django's formats, and in French the first
of the month as « 1er » (« 1er janvier 2020 », not « 1 janvier 2020 »), which no date
format character gives. Pages get it through the ``date`` filter (cogwg.templatetags.
cogwg_dates, a template builtin that takes the place of Django's); Python code calls
``date_format``.

And which day it is: the site decides in its own time zone (``settings.TIME_ZONE``,
America/Toronto), ``today()``; but a date is "in the future" only once it is not yet today
anywhere in Canada (``is_future``), so that a reporter in St. John's, whose day begins an
hour and a half before Toronto's, may date an update on their own today; and a day (a
deadline) is over only once it is over everywhere in Canada (``earliest_today``), so that
British Columbia and Yukon keep the three hours of their evening that follow Toronto's
midnight."""

import datetime
import re
import zoneinfo

from django.utils import dateformat, formats, timezone, translation

# A "j" (the day, no leading zero) that no backslash escapes.
DAY = re.compile(r"(?<!\\)((?:\\\\)*)j")
FIRST_OF_THE_MONTH = {"fr": r"j\e\r"}
# Canada's easternmost time zone (Newfoundland): its day begins first in the country.
EARLIEST_ZONE = zoneinfo.ZoneInfo("America/St_Johns")
# Canada's westernmost time zone (British Columbia): its day ends last in the country.
# Yukon keeps UTC-7 all year, Vancouver's summer hour: never later than Vancouver.
LATEST_ZONE = zoneinfo.ZoneInfo("America/Vancouver")


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


def earliest_today(moment: datetime.datetime | None = None) -> datetime.date:
    """The earliest date that is today somewhere in Canada at ``moment`` (default: now):
    today in Vancouver (``LATEST_ZONE``), which is the site's today or, in the first hours
    of the site's day, the day before."""
    return timezone.localdate(moment, timezone=LATEST_ZONE)


def is_over(day: datetime.date, moment: datetime.datetime | None = None) -> bool:
    """Whether ``day`` is over everywhere in Canada at ``moment`` (default: now): before
    today in its westernmost time zone (``earliest_today``). The one rule of "the deadline
    has passed"."""
    return day < earliest_today(moment)


def day_over_at(day: datetime.date) -> datetime.datetime:
    """The moment ``day`` is over everywhere in Canada (``is_over``): the next day's
    midnight in its westernmost time zone (the calendar's last day: never)."""
    if day == datetime.date.max:
        return datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=LATEST_ZONE)
