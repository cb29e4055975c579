"""Which day it is in Canada (cogwg/dates.py): the latest today (St. John's), the earliest
(Vancouver), and when a day is over everywhere."""

import datetime
from unittest import mock

import pytest

from cogwg import dates

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("moment", "earliest", "latest"),
    [
        # 23:45 in Toronto: St. John's is on the next day.
        (datetime.datetime(2024, 7, 1, 3, 45, tzinfo=UTC), datetime.date(2024, 6, 30), datetime.date(2024, 7, 1)),
        # 00:30 in Toronto, 21:30 in Vancouver (summer, UTC-7).
        (datetime.datetime(2024, 7, 1, 4, 30, tzinfo=UTC), datetime.date(2024, 6, 30), datetime.date(2024, 7, 1)),
        # 00:30 in Vancouver: the day is the same everywhere.
        (datetime.datetime(2024, 7, 1, 7, 30, tzinfo=UTC), datetime.date(2024, 7, 1), datetime.date(2024, 7, 1)),
        # 23:30 in Vancouver in winter (UTC-8).
        (datetime.datetime(2024, 1, 2, 7, 30, tzinfo=UTC), datetime.date(2024, 1, 1), datetime.date(2024, 1, 2)),
    ],
)
def test_the_earliest_and_latest_today(moment, earliest, latest):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        assert (dates.earliest_today(), dates.latest_today()) == (earliest, latest)
    assert dates.earliest_today(moment) == earliest


def test_a_day_is_over_at_midnight_in_vancouver():
    june_30 = datetime.date(2024, 6, 30)
    over = dates.day_over_at(june_30)

    assert over == datetime.datetime(2024, 7, 1, 7, tzinfo=UTC)
    assert not dates.is_over(june_30, over - datetime.timedelta(microseconds=1))
    assert dates.is_over(june_30, over)


def test_the_calendars_last_day_is_never_over():
    assert dates.day_over_at(datetime.date.max) == datetime.datetime.max.replace(tzinfo=UTC)
    assert not dates.is_over(datetime.date.max)
