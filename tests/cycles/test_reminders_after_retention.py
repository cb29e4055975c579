"""A period left open keeps no reminder longer than the retention (cogwg/retention.py),
and the overdue reminder it sent, once deleted, is not sent again."""

import datetime

from django.core import mail
from django.test import override_settings

from cogwg import cycles
from cogwg.models import PeriodReminder, ReportingPeriod
from cogwg.retention import personal_information_dispose

OPENED = datetime.datetime(2020, 7, 1, 12, tzinfo=datetime.UTC)
# The deadline, 15 July 2020, is over everywhere at 07:00 UTC on the 16th.
AFTER = datetime.datetime(2020, 7, 20, 13, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@override_settings(COGWG_RETENTION_REMINDER_DAYS=30)
def test_the_overdue_reminder_deleted_by_the_retention_is_not_sent_again(cycle):
    ReportingPeriod.objects.filter(pk=cycle.period.pk).update(opened_at=OPENED)
    cycle.period.refresh_from_db()
    assert cycles.period_remind(period=cycle.period, now=AFTER) == 2  # the overdue reminder

    personal_information_dispose(now=AFTER + 31 * DAY)

    assert not PeriodReminder.objects.exists()
    mail.outbox.clear()
    assert cycles.period_remind(period=cycle.period, now=AFTER + 31 * DAY) == 0
    assert cycles.period_remind(period=cycle.period, now=AFTER + 400 * DAY) == 0
    assert mail.outbox == []


@override_settings(COGWG_RETENTION_REMINDER_DAYS=30)
def test_the_overdue_reminder_is_still_sent_within_the_retention_after_the_deadline(cycle):
    ReportingPeriod.objects.filter(pk=cycle.period.pk).update(opened_at=OPENED)
    cycle.period.refresh_from_db()
    deadline_over = datetime.datetime(2020, 7, 16, 7, tzinfo=datetime.UTC)

    assert cycles.period_remind(period=cycle.period, now=deadline_over + 30 * DAY) == 2
