"""cogwg/0009: the reminders sent before they were numbered are numbered per period and
jurisdiction (1, 2…) in the order they were sent (by key when sent together), and a
period whose deadline is before its end, which 0010's check constraint refuses, has its
deadline moved to its end; the other periods keep theirs."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.utils import timezone

from cogwg.models import PeriodReminder, ReportingPeriod
from tests.cogwg.lifted_checks import check_lifted, rows_breaking
from tests.factories import JurisdictionFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("cogwg.migrations.0009_periodreminder_number")
EDITOR = SimpleNamespace(connection=connection)
DEADLINE_RULE = "cogwg_reportingperiod_deadline_on_or_after_period_end"


def day(number):
    return timezone.make_aware(datetime.datetime(2020, 7, number, 9))


def reminder(period, jurisdiction, sent_on, number):
    return PeriodReminder.objects.create(
        period=period,
        jurisdiction=jurisdiction,
        sent_at=day(sent_on),
        recipients="lead@example.org",
        missing=1,
        number=number,
    )


def test_the_reminders_are_numbered_per_period_and_jurisdiction_in_the_order_they_were_sent():
    june, july = ReportingPeriodFactory(), ReportingPeriodFactory(title_en="July 2020")
    ontario, quebec = JurisdictionFactory(code="ON"), JurisdictionFactory(code="QC")
    # Stored before the numbers: any number (unique, as the table now holds), not in order.
    third = reminder(june, ontario, 20, 7)
    first = reminder(june, ontario, 6, 8)
    second = reminder(june, ontario, 13, 9)
    quebecs = reminder(june, quebec, 13, 5)
    julys = reminder(july, ontario, 6, 1)
    together = [reminder(july, quebec, 6, 6), reminder(july, quebec, 6, 4)]

    migration.number_reminders(django_apps, EDITOR)

    numbers = dict(PeriodReminder.objects.values_list("pk", "number"))
    assert numbers == {
        first.pk: 1,
        second.pk: 2,
        third.pk: 3,
        quebecs.pk: 1,
        julys.pk: 1,
        together[0].pk: 1,  # sent at the same time: in the order they were stored
        together[1].pk: 2,
    }


def test_a_deadline_before_the_periods_end_is_moved_to_its_end_and_no_other():
    end = datetime.date(2020, 6, 30)
    with check_lifted(ReportingPeriod, DEADLINE_RULE):
        early = ReportingPeriodFactory(period_end=end, deadline=datetime.date(2020, 6, 15))
        on_the_end = ReportingPeriodFactory(period_end=end, deadline=end)
        after = ReportingPeriodFactory(period_end=end, deadline=datetime.date(2020, 7, 15))
        assert rows_breaking(ReportingPeriod, DEADLINE_RULE) == [early.pk]

    migration.move_deadlines_to_period_end(django_apps, EDITOR)

    deadlines = dict(ReportingPeriod.objects.values_list("pk", "deadline"))
    assert deadlines == {early.pk: end, on_the_end.pk: end, after.pk: datetime.date(2020, 7, 15)}
    assert rows_breaking(ReportingPeriod, DEADLINE_RULE) == []
