"""A reporting period's writes lock its plan, then the period (the lock order of writes,
workplan/services.py), and check them as they then are, not as their caller read them:
a period closed or deleted, or a plan closed or deleted, since then is seen. SQLite
locks no row: these show the reading again, with a copy read before the change; the
races themselves run on PostgreSQL (tests/api/test_lock_order_periods.py)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from cogwg import cycles
from cogwg.admin_cycles import ReportingPeriodAdmin
from cogwg.choices import ReportingPeriodStatus
from cogwg.models import PeriodReminder, ReportingPeriod
from tests.cycles.conftest import AFTER_DEADLINE, submitted_row
from tests.factories import MilestoneFactory, PriorityFactory, StaffFactory, WorkPlanFactory
from tests.permissions.test_admin_concurrency import url
from tests.test_admin import action_messages
from workplan.choices import WorkPlanStatus
from workplan.models import ProgressUpdate, WorkPlan

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
PERIOD_DELETED = {
    "en": "This reporting period has just been deleted.",
    "fr": "Cette période de rapport vient d'être supprimée.",
}
CLOSED_MEANWHILE = {
    "en": (
        "This reporting period was closed meanwhile: a closed period is not deleted, as its updates would then no "
        "longer be locked."
    ),
    "fr": (
        f"Cette période de rapport a été close entre-temps{NBSP}: une période close n'est pas supprimée, car ses "
        "mises à jour ne seraient alors plus verrouillées."
    ),
}


def read_now(period):
    """``period`` as a page or a task reads it now, kept while the stored one changes."""
    return ReportingPeriod.objects.select_related("work_plan").get(pk=period.pk)


def september(work_plan, by):
    return {
        "work_plan": work_plan,
        "title_en": "September 2020",
        "title_fr": "Septembre 2020",
        "period_end": datetime.date(2020, 9, 30),
        "deadline": datetime.date(2020, 10, 15),
        "by": by,
    }


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_period_deleted_since_it_was_read_is_not_closed_and_the_refusal_says_so(cycle, language):
    read = read_now(cycle.period)
    ReportingPeriod.objects.filter(pk=cycle.period.pk).delete()

    with translation.override(language), pytest.raises(ValidationError) as refused:
        cycles.period_close(period=read, by=cycle.secretariat, on=AFTER_DEADLINE)

    assert refused.value.messages == [PERIOD_DELETED[language]]


def test_a_sheet_for_a_period_deleted_since_it_was_read_is_refused_and_nothing_is_posted(cycle):
    read = read_now(cycle.period)
    ReportingPeriod.objects.filter(pk=cycle.period.pk).delete()

    with pytest.raises(ValidationError) as refused:
        cycles.period_submit_updates(
            period=read, jurisdiction=cycle.bc, rows=[submitted_row(cycle.march)], by=cycle.secretariat
        )

    assert refused.value.messages == [PERIOD_DELETED["en"]]
    assert not ProgressUpdate.objects.filter(milestone=cycle.march).exists()


def test_no_period_is_opened_on_a_plan_closed_since_it_was_read(cycle):
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)
    read = WorkPlan.objects.get(pk=cycle.plan.pk)
    WorkPlan.objects.filter(pk=cycle.plan.pk).update(status=WorkPlanStatus.CLOSED)

    with pytest.raises(ValidationError) as refused:
        cycles.period_open(**september(read, cycle.secretariat))

    assert refused.value.messages == ["This work plan is closed: its milestones take no more progress updates."]
    assert list(ReportingPeriod.objects.values_list("pk", flat=True)) == [cycle.period.pk]


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "This work plan has just been deleted."), ("fr", "Ce plan de travail vient d'être supprimé.")],
)
def test_no_period_is_opened_on_a_plan_deleted_since_it_was_read(language, message):
    plan = WorkPlanFactory(slug="2020", status=WorkPlanStatus.ACTIVE)
    MilestoneFactory(priority=PriorityFactory(work_plan=plan), due_date=datetime.date(2020, 9, 30))
    read = WorkPlan.objects.get(pk=plan.pk)
    WorkPlan.objects.filter(pk=plan.pk).delete()

    with translation.override(language), pytest.raises(ValidationError) as refused:
        cycles.period_open(**september(read, StaffFactory(username="sec")))

    assert refused.value.messages == [message]
    assert not ReportingPeriod.objects.exists()


def test_no_reminder_is_sent_for_a_period_closed_since_the_run_read_it(cycle):
    read = read_now(cycle.period)
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)
    mail.outbox = []

    assert cycles.period_remind(period=read) == 0

    assert mail.outbox == []
    assert not PeriodReminder.objects.exists()


def test_no_reminder_is_sent_for_a_period_whose_plan_was_closed_since_the_run_read_it(cycle):
    read = read_now(cycle.period)
    WorkPlan.objects.filter(pk=cycle.plan.pk).update(status=WorkPlanStatus.CLOSED)
    mail.outbox = []

    assert cycles.period_remind(period=read) == 0

    assert mail.outbox == []
    assert not PeriodReminder.objects.exists()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_period_closed_since_its_deletion_page_was_read_is_not_deleted(cycle, staff_client, monkeypatch, language):
    read = read_now(cycle.period)
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)
    # The confirmation's post finds the period as the page read it: open.
    monkeypatch.setattr(ReportingPeriodAdmin, "get_object", lambda self, request, object_id, from_field=None: read)

    response = staff_client.post(
        url(ReportingPeriod, "delete", cycle.period.pk, language=language), {"post": "yes"}, follow=True
    )

    assert response.status_code == 200
    assert action_messages(response) == [CLOSED_MEANWHILE[language]]
    assert ReportingPeriod.objects.get(pk=cycle.period.pk).status == ReportingPeriodStatus.CLOSED


def test_an_open_period_is_deleted_with_its_reminders_and_its_updates_stay(cycle, staff_client):
    (update,) = cycles.period_submit_updates(
        period=cycle.period, jurisdiction=cycle.bc, rows=[submitted_row(cycle.march)], by=cycle.secretariat
    ).updates
    PeriodReminder.objects.create(
        period=cycle.period, jurisdiction=cycle.on, recipients="partner@on.example", missing=1
    )

    response = staff_client.post(url(ReportingPeriod, "delete", cycle.period.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not ReportingPeriod.objects.exists()
    assert not PeriodReminder.objects.exists()
    assert ProgressUpdate.objects.filter(pk=update.pk).exists()
