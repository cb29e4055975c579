"""A reporting period's deadline is over once its day is over everywhere in Canada
(cogwg.dates.is_over): British Columbia and Yukon keep the three hours of their evening
after Toronto's midnight, to close, and to be reminded of, the period."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from cogwg import cycles
from cogwg.choices import ReportingPeriodStatus
from cogwg.models import ReportingPeriod

WEEK = datetime.timedelta(days=7)
# The deadline is 15 July 2020: 21:30 in Vancouver and Whitehorse, 00:30 on the 16th in Toronto.
DEADLINE_EVENING_IN_BC = datetime.datetime(2020, 7, 16, 4, 30, tzinfo=datetime.UTC)
# 00:30 on the 16th in Vancouver.
OVER_EVERYWHERE = datetime.datetime(2020, 7, 16, 7, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def opened_in_july(cycle):
    """Opened on 1 July 2020, as the clocks below read: it is closed after it opened."""
    opened = datetime.datetime(2020, 7, 1, 12, tzinfo=datetime.UTC)
    ReportingPeriod.objects.filter(pk=cycle.period.pk).update(opened_at=opened)
    cycle.period.opened_at = opened


def close_at(period, moment, by):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return cycles.period_close(period=period, by=by)


def test_a_period_cannot_be_closed_while_its_deadline_day_lasts_in_british_columbia(cycle):
    with pytest.raises(ValidationError) as error:
        close_at(cycle.period, DEADLINE_EVENING_IN_BC, cycle.secretariat)

    assert error.value.messages == ["This reporting period can be closed after its deadline, July 15, 2020."]
    cycle.period.refresh_from_db()
    assert (cycle.period.status, cycle.period.closed_at) == (ReportingPeriodStatus.OPEN, None)


def test_it_can_be_closed_once_the_day_is_over_there(cycle):
    close_at(cycle.period, OVER_EVERYWHERE, cycle.secretariat)

    cycle.period.refresh_from_db()
    assert cycle.period.status == ReportingPeriodStatus.CLOSED


def test_a_reminder_on_the_deadline_evening_in_british_columbia_is_not_the_overdue_one(cycle):
    assert cycles.period_remind(period=cycle.period, now=DEADLINE_EVENING_IN_BC) == 2

    assert all(message.subject.startswith("COGWG: updates due for June 2020") for message in mail.outbox)
    mail.outbox.clear()
    # The overdue reminder is still to come, a week later.
    assert cycles.period_remind(period=cycle.period, now=DEADLINE_EVENING_IN_BC + WEEK) == 2
    assert all(message.subject.startswith("COGWG: updates overdue for June 2020") for message in mail.outbox)


def test_the_first_reminder_once_the_day_is_over_everywhere_is_the_overdue_one(cycle):
    assert cycles.period_remind(period=cycle.period, now=OVER_EVERYWHERE) == 2

    assert all(message.subject.startswith("COGWG: updates overdue for June 2020") for message in mail.outbox)
    assert cycles.period_remind(period=cycle.period, now=OVER_EVERYWHERE + WEEK) == 0
