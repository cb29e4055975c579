"""A reporting cycle from opening to closing: who is covered, who has submitted, the
weekly reminders (only to those who have not submitted, and no more once they have),
closing (publishes the submitted updates) and the lock on the period's updates."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cogwg import cycle_tasks, cycles
from cogwg.choices import PublicationState, ReportingPeriodStatus
from cogwg.models import PeriodReminder, ReportingPeriod
from tests.cycles.conftest import AFTER_DEADLINE, DEADLINE, JUNE_30, submitted_row
from tests.factories import ReportingPeriodFactory, UserFactory
from workplan.choices import MilestoneStatus
from workplan.models import ProgressUpdate
from workplan.services import milestone_post_update

pytestmark = pytest.mark.django_db

WEEK = datetime.timedelta(days=7)


def submit(cycle, jurisdiction, *milestones, progress=40):
    return cycles.period_submit_updates(
        period=cycle.period,
        jurisdiction=jurisdiction,
        rows=[submitted_row(milestone, progress=progress) for milestone in milestones],
        by=cycle.secretariat,
    ).updates


def grid(status):
    """{jurisdiction code: {milestone description: submitted}}"""
    return {
        row.jurisdiction.code: {seat.milestone.description_en: seat.submitted for seat in row.seats}
        for row in status.jurisdictions
    }


def recipients():
    return sorted(tuple(message.to) for message in mail.outbox)


# Opening


def test_opening_covers_the_unfinished_milestones_due_by_the_period_end(cycle):
    period = cycle.period

    assert (period.status, period.opened_by, period.closed_at) == (ReportingPeriodStatus.OPEN, cycle.secretariat, None)
    assert set(period.milestones.all()) == {cycle.march, cycle.june, cycle.guide}
    assert period.history.count() == 1


def test_the_status_lists_every_seat_holder_and_nobody_else(cycle):
    status = cycles.period_status(cycle.period)

    assert grid(status) == {
        "BC": {"Inventory": False, "Release": False},
        "ON": {"Inventory": False, "Release": False, "Guide": False},
        "NS": {"Guide": False},
    }
    assert (status.expected, status.submitted) == (6, 0)


def test_a_second_open_period_on_the_plan_is_refused(cycle):
    with pytest.raises(ValidationError, match="already has an open reporting period"):
        cycles.period_open(
            work_plan=cycle.plan,
            title_en="September 2020",
            title_fr="Septembre 2020",
            period_end=datetime.date(2020, 9, 30),
            deadline=datetime.date(2020, 10, 15),
            by=cycle.secretariat,
        )

    assert ReportingPeriod.objects.count() == 1


def test_the_database_keeps_one_open_period_per_plan(cycle):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportingPeriodFactory(work_plan=cycle.plan, period_end=datetime.date(2020, 9, 30))


def test_a_period_with_no_milestone_to_cover_is_refused(cycle):
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)

    with pytest.raises(ValidationError, match="No unfinished milestone"):
        cycles.period_open(
            work_plan=cycle.plan,
            title_en="January 2020",
            title_fr="Janvier 2020",
            period_end=datetime.date(2020, 1, 31),
            deadline=datetime.date(2020, 2, 15),
            by=cycle.secretariat,
        )


# Submitting


def test_a_submitted_update_counts_and_a_draft_does_not(cycle):
    submit(cycle, cycle.bc, cycle.march)
    milestone_post_update(
        milestone=cycle.june, reported_on=JUNE_30, status="on_track", progress=50, jurisdiction=cycle.bc, publish=False
    )

    status = cycles.period_status(cycle.period)

    assert grid(status)["BC"] == {"Inventory": True, "Release": False}
    assert status.submitted == 1


def test_submitted_updates_wait_for_review_and_leave_the_milestone_alone(cycle):
    (update,) = submit(cycle, cycle.bc, cycle.march, progress=60)

    cycle.march.refresh_from_db()
    assert (update.publication_state, update.jurisdiction, update.author) == (
        PublicationState.SUBMITTED,
        cycle.bc,
        cycle.secretariat,
    )
    assert update.submitted_by == cycle.secretariat and update.submitted_at is not None
    assert (cycle.march.status, cycle.march.progress) == (MilestoneStatus.NOT_STARTED, 0)


def test_submitting_again_replaces_the_unpublished_update(cycle):
    submit(cycle, cycle.bc, cycle.march, progress=40)

    (second,) = submit(cycle, cycle.bc, cycle.march, progress=70)

    assert list(cycle.march.updates.values_list("pk", "progress")) == [(second.pk, 70)]


def test_an_update_posted_before_the_opening_does_not_count(cycle):
    update = milestone_post_update(
        milestone=cycle.guide, reported_on=JUNE_30, status="on_track", progress=50, jurisdiction=cycle.ns
    )
    ProgressUpdate.objects.filter(pk=update.pk).update(created_at=cycle.period.opened_at - datetime.timedelta(days=1))

    assert grid(cycles.period_status(cycle.period))["NS"] == {"Guide": False}


def test_a_jurisdiction_cannot_report_on_a_milestone_where_it_has_no_seat(cycle):
    with pytest.raises(ValidationError, match="Only this period's milestones"):
        submit(cycle, cycle.ns, cycle.march)

    assert not ProgressUpdate.objects.filter(milestone=cycle.march).exists()


def test_someone_who_reports_for_no_jurisdiction_cannot_submit(cycle):
    with pytest.raises(ValidationError, match="do not report for this jurisdiction"):
        cycles.period_submit_updates(
            period=cycle.period, jurisdiction=cycle.bc, rows=[submitted_row(cycle.march)], by=UserFactory()
        )

    assert not ProgressUpdate.objects.filter(milestone=cycle.march).exists()


def test_the_status_runs_the_same_queries_whatever_the_period_size(cycle, django_assert_num_queries):
    with django_assert_num_queries(4):
        cycles.period_status(cycle.period)
    submit(cycle, cycle.on, cycle.march, cycle.june, cycle.guide)
    cycles.period_remind(period=cycle.period)

    with django_assert_num_queries(4):
        cycles.period_status(cycle.period)


# Reminders


def test_a_cycle_from_opening_to_closing(cycle):
    # Weekly reminders before the deadline (after it, one overdue reminder: test_reminders.py).
    now = timezone.make_aware(datetime.datetime(2020, 6, 22, 9))

    # Week 1: everyone with a seat is reminded, at their seats' contacts.
    assert cycles.period_remind(period=cycle.period, now=now) == 2
    assert recipients() == [("lead@bc.example",), ("lead@on.example", "partner@on.example")]
    assert "Inventory" in mail.outbox[0].body and "Guide" not in mail.outbox[0].body
    assert "Juin 2020" in mail.outbox[0].subject and "June 2020" in mail.outbox[0].subject

    # BC submits everything; ON only one of its three.
    submit(cycle, cycle.bc, cycle.march, cycle.june)
    submit(cycle, cycle.on, cycle.guide)
    mail.outbox.clear()

    # Week 2: only ON, about what it still owes, at the contact of the seat concerned.
    assert cycles.period_remind(period=cycle.period, now=now + WEEK) == 1
    assert recipients() == [("partner@on.example",)]
    assert "Release" in mail.outbox[0].body and "Guide" not in mail.outbox[0].body

    # ON catches up: no more reminders.
    submit(cycle, cycle.on, cycle.march, cycle.june)
    mail.outbox.clear()
    assert cycles.period_remind(period=cycle.period, now=now + 2 * WEEK) == 0
    assert mail.outbox == []

    # After the deadline the secretariat approves and closes.
    published = cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)

    cycle.period.refresh_from_db()
    assert len(published) == 5
    assert (cycle.period.status, cycle.period.closed_by) == (ReportingPeriodStatus.CLOSED, cycle.secretariat)
    assert set(ProgressUpdate.objects.values_list("publication_state", flat=True)) == {PublicationState.PUBLISHED}
    cycle.march.refresh_from_db()
    assert (cycle.march.status, cycle.march.progress) == (MilestoneStatus.ON_TRACK, 40)
    assert cycles.period_remind(period=cycle.period, now=now + 3 * WEEK) == 0
    assert list(
        PeriodReminder.objects.order_by("sent_at", "jurisdiction__order").values_list("jurisdiction__code", "missing")
    ) == [("BC", 2), ("ON", 3), ("ON", 2)]


def test_reminders_stay_a_week_apart(cycle):
    now = timezone.now()
    cycles.period_remind(period=cycle.period, now=now)

    assert cycles.period_remind(period=cycle.period, now=now + datetime.timedelta(days=2)) == 0
    assert len(mail.outbox) == 2


def test_a_jurisdiction_with_no_address_is_not_reminded(cycle):
    cycles.period_remind(period=cycle.period)

    assert "Nova Scotia" not in " ".join(message.body for message in mail.outbox)
    assert not PeriodReminder.objects.filter(jurisdiction=cycle.ns).exists()


def test_the_weekly_task_reminds_every_open_period(cycle):
    assert cycle_tasks.send_period_reminders.delay().get() == 2

    assert PeriodReminder.objects.count() == 2


# Closing and the lock


def test_a_period_cannot_be_closed_before_its_deadline_has_passed(cycle):
    submit(cycle, cycle.bc, cycle.march)

    with pytest.raises(ValidationError, match="after its deadline"):
        cycles.period_close(period=cycle.period, by=cycle.secretariat, on=DEADLINE)

    cycle.period.refresh_from_db()
    assert cycle.period.is_open
    assert ProgressUpdate.objects.get(milestone=cycle.march).publication_state == PublicationState.SUBMITTED


def test_closing_leaves_drafts_unpublished(cycle):
    draft = milestone_post_update(
        milestone=cycle.june, reported_on=JUNE_30, status="on_track", progress=50, jurisdiction=cycle.bc, publish=False
    )

    assert cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE) == []

    draft.refresh_from_db()
    assert draft.publication_state == PublicationState.DRAFT


def test_a_closed_period_takes_no_more_updates_and_cannot_be_closed_twice(cycle):
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)

    with pytest.raises(ValidationError, match="closed"):
        submit(cycle, cycle.bc, cycle.march)
    with pytest.raises(ValidationError, match="already closed"):
        cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)

    assert not ProgressUpdate.objects.filter(milestone=cycle.march).exists()


def test_the_updates_of_a_closed_period_are_locked(cycle):
    (update,) = submit(cycle, cycle.bc, cycle.march)
    assert not cycles.progress_update_is_locked(update)

    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)

    assert cycles.progress_update_is_locked(update)
    with pytest.raises(ValidationError, match="closed reporting period"):
        cycles.progress_update_ensure_unlocked(update)
    # An update posted after the closing is not the period's.
    later = milestone_post_update(
        milestone=cycle.march, reported_on=AFTER_DEADLINE, status="on_track", progress=80, jurisdiction=cycle.bc
    )
    assert list(cycles.progress_updates_locked()) == [update]
    assert not cycles.progress_update_is_locked(later)


def test_the_admin_refuses_to_change_withdraw_or_delete_a_locked_update(cycle, staff_client):
    (update,) = submit(cycle, cycle.bc, cycle.march)
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)
    change_url = reverse("admin:workplan_progressupdate_change", args=[update.pk])

    page = staff_client.get(change_url)
    posted = staff_client.post(change_url, {"publication_state": PublicationState.DRAFT, "note_en": "Edited"})
    deleted = staff_client.post(reverse("admin:workplan_progressupdate_delete", args=[update.pk]), {"post": "yes"})
    withdrawn = staff_client.post(
        reverse("admin:workplan_progressupdate_changelist"),
        {"action": "unpublish_selected", "_selected_action": [update.pk]},
    )

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert (posted.status_code, deleted.status_code, withdrawn.status_code) == (403, 403, 302)
    update.refresh_from_db()
    assert (update.publication_state, update.note_en) == (PublicationState.PUBLISHED, "")


# The admin


def test_the_secretariat_opens_a_period_from_the_admin(cycle, staff_client):
    cycles.period_close(period=cycle.period, by=cycle.secretariat, on=AFTER_DEADLINE)

    response = staff_client.post(
        reverse("admin:cogwg_reportingperiod_add"),
        {
            "work_plan": cycle.plan.pk,
            "title_en": "September 2020",
            "title_fr": "Septembre 2020",
            "period_end": "2020-09-30",
            "deadline": "2020-10-15",
        },
    )

    assert response.status_code == 302
    period = ReportingPeriod.objects.get(title_en="September 2020")
    assert (period.is_open, period.opened_by.username) == (True, "secretariat")
    # March was left unfinished: still covered.
    assert set(period.milestones.all()) == {cycle.march, cycle.june, cycle.september, cycle.guide}


def test_the_admin_refuses_a_second_open_period_with_a_form_error(cycle, staff_client):
    response = staff_client.post(
        reverse("admin:cogwg_reportingperiod_add"),
        {
            "work_plan": cycle.plan.pk,
            "title_en": "September 2020",
            "title_fr": "Septembre 2020",
            "period_end": "2020-09-30",
            "deadline": "2020-10-15",
        },
    )

    assert response.status_code == 200
    assert "already has an open reporting period" in str(response.context["adminform"].form.non_field_errors())
    assert ReportingPeriod.objects.count() == 1


def test_the_dashboard_shows_who_has_submitted_and_the_reminders(cycle, staff_client):
    submit(cycle, cycle.bc, cycle.march)
    cycles.period_remind(period=cycle.period)

    response = staff_client.get(reverse("admin:cogwg_reportingperiod_dashboard", args=[cycle.period.pk]))

    assert response.status_code == 200
    status = response.context["status"]
    assert grid(status)["BC"] == {"Inventory": True, "Release": False}
    assert [(row.jurisdiction.code, row.reminders_sent) for row in status.jurisdictions] == [
        ("BC", 1),
        ("ON", 1),
        ("NS", 0),
    ]
    assert response.context["can_close"]
    content = response.content.decode()
    assert "1 of 6 updates submitted" in content
    assert "Quebec" not in content


def test_the_dashboard_closes_the_period(cycle, staff_client):
    submit(cycle, cycle.bc, cycle.march)
    ReportingPeriod.objects.filter(pk=cycle.period.pk).update(deadline=timezone.localdate() - datetime.timedelta(1))
    url = reverse("admin:cogwg_reportingperiod_dashboard", args=[cycle.period.pk])

    response = staff_client.post(url, {"_close": "1"})

    assert response.status_code == 302
    cycle.period.refresh_from_db()
    assert not cycle.period.is_open
    assert ProgressUpdate.objects.get(milestone=cycle.march).publication_state == PublicationState.PUBLISHED


def test_contributor_jurisdictions(cycle):
    assert set(cycles.contributor_jurisdictions(cycle.secretariat)) == {cycle.bc, cycle.on, cycle.ns, cycle.qc}
    assert list(cycles.contributor_jurisdictions(UserFactory())) == []
    assert list(cycles.contributor_jurisdictions(UserFactory(is_active=False, is_staff=True))) == []
