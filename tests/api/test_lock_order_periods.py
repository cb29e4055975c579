"""Reporting periods and seats have their place in the one lock order of writes
(workplan/services.py's docstring): work plan → reporting period → priority → seat →
milestone → progress update, each table by primary key. A period's writes (opening,
closing, a sheet's upload, a reminder's claim, the deletion) lock its plan, then the
period; a seat's (its admin page, the API's write of a priority's seats, a deletion) its
plan, then its priority, then the seat.

In each test the first write is held at a point of its own while the second starts; once
the second waits for a lock, or has finished, the first goes on (``Race``). Before:
- a seat's admin page locked the seat, then its priority and plan (in one statement, by
  the model's ordering): with a deletion of its plan, or an API write of its priority's
  seats, each held what the other wanted, PostgreSQL cancelled the page (a deadlock,
  found within ``deadlock_timeout``, 1 s), and it answered 503;
- a period's writes locked the period alone, or nothing, and read their plan before
  locking it: a closing refused itself whole when the plan was closed between its
  checks and its publishing; an opening whose plan was deleted meanwhile failed on the
  database's foreign key (a 500); a period closed while its deletion was being confirmed
  was deleted (its updates unlocked); a reminder went out for a period closed meanwhile.
The first one passed before too: it guards a closing and a deletion of its plan.
These need row locks: they run in a pytest process of their own, on a PostgreSQL database
of their own (the last test starts it), as tests/api/test_write_races.py's do."""

import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from cogwg import cycles
from cogwg.admin_cycles import ReportingPeriodAdmin
from cogwg.choices import PublicationState, ReportingPeriodStatus
from cogwg.models import PeriodReminder, ReportingPeriod
from tests.api.test_lock_order_races import held_before_deletion_check
from tests.api.test_write_races import ALONE, Race, alone, client, held_at_check_save
from tests.conftest import run_on_postgresql
from tests.cycles.conftest import submitted_row
from tests.factories import (
    AssignmentFactory,
    JurisdictionFactory,
    MilestoneFactory,
    PriorityFactory,
    StaffFactory,
    WorkPlanFactory,
)
from tests.permissions.test_admin_concurrency import opened, signed_in, url
from workplan.choices import SeatRole, WorkPlanStatus
from workplan.models import Assignment, ProgressUpdate, WorkPlan

AFTER_DEADLINE = datetime.date(2020, 7, 16)
JUNE_30 = datetime.date(2020, 6, 30)


def plan_with_a_seat(slug="2031", status=WorkPlanStatus.DRAFT):
    """A plan whose priority has a lead seat (British Columbia's) and a milestone."""
    plan = WorkPlanFactory(slug=slug, status=status, end_date=datetime.date(datetime.date.today().year + 1, 12, 31))
    priority = PriorityFactory(work_plan=plan, number=1)
    bc = JurisdictionFactory(code="BC")
    seat = AssignmentFactory(priority=priority, role=SeatRole.LEAD, jurisdiction=bc, contact_email="lead@bc.example")
    milestone = MilestoneFactory(priority=priority, due_date=datetime.date(2020, 3, 31))
    return SimpleNamespace(plan=plan, priority=priority, bc=bc, seat=seat, milestone=milestone)


def open_period(world, staff):
    """A June 2020 period open on ``world``'s (active) plan, covering its milestone."""
    return cycles.period_open(
        work_plan=world.plan,
        title_en="June 2020",
        title_fr="Juin 2020",
        period_end=JUNE_30,
        deadline=datetime.date(2020, 7, 15),
        by=staff,
    )


def submitted(world, period, staff):
    """British Columbia's update on the milestone, submitted for review through the sheet."""
    (update,) = cycles.period_submit_updates(
        period=period,
        jurisdiction=world.bc,
        rows=[submitted_row(world.milestone, note_en="On track", note_fr="En bonne voie")],
        by=staff,
    ).updates
    return update


def held_in(monkeypatch, owner, name, race, *, call=1, after=False):
    """``owner.name`` held (``race.hold``) on its ``call``-th call, before it runs, or
    once it has returned (``after``)."""
    original = getattr(owner, name)
    calls = []

    def held(*args, **kwargs):
        calls.append(1)
        if not after and len(calls) == call:
            race.hold()
        result = original(*args, **kwargs)
        if after and len(calls) == call:
            race.hold()
        return result

    monkeypatch.setattr(owner, name, held)


def attempt(call):
    """What ``call`` returns, or the exception it raised."""
    try:
        return call()
    except Exception as error:
        return error


@alone
def test_a_close_racing_a_deletion_of_its_plan_goes_through_and_the_deletion_is_refused(monkeypatch):
    """The closing locks its plan, then the period; the deletion locks every plan. The
    deletion waits, and is refused: the plan has a period (and, once closed, a published
    update). (This one passed before too, the deletion refused as the plan has a period.)"""
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    world = plan_with_a_seat(slug="2020", status=WorkPlanStatus.ACTIVE)
    period = open_period(world, staff)
    update = submitted(world, period, staff)
    race = Race()
    held_in(monkeypatch, cycles, "period_updates", race)

    closed, deleted = race.run(
        lambda: cycles.period_close(period=period, by=staff, on=AFTER_DEADLINE),
        lambda: client(staff).delete(f"/api/v1/work-plans/{world.plan.slug}/"),
    )

    assert (closed, deleted.status_code) == ([update], 409), deleted.content
    assert ReportingPeriod.objects.get(pk=period.pk).status == ReportingPeriodStatus.CLOSED
    assert ProgressUpdate.objects.get(pk=update.pk).publication_state == PublicationState.PUBLISHED


@alone
def test_a_seat_changed_on_its_page_racing_a_deletion_of_its_plan(monkeypatch):
    """The deletion holds every plan; the seat's page locked the seat and its priority,
    then wanted the plan, and the deletion the priority: a deadlock, the page a 503. Now
    the page waits for the plan, then finds the seat deleted with it: its form is refused."""
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    world = plan_with_a_seat()
    page = signed_in(staff)
    address = url(Assignment, "change", world.seat.pk)
    form = opened(page, address) | {"organization_en": "Ministry of Citizens' Services"}
    race = Race()
    held_before_deletion_check(monkeypatch, race)

    deleted, saved = race.run(
        lambda: client(staff).delete(f"/api/v1/work-plans/{world.plan.slug}/"),
        lambda: page.post(address, form),
    )

    assert (deleted.status_code, saved.status_code) == (204, 200), saved.content[:500]
    assert saved.context["adminform"].form.non_field_errors()
    assert not WorkPlan.objects.filter(pk=world.plan.pk).exists()
    assert not Assignment.objects.exists()


@alone
def test_a_seat_changed_on_its_page_racing_an_api_write_of_its_priority_seats(monkeypatch):
    """The API's write of the priority holds its plan and the priority; the seat's page
    locked the seat, then wanted the priority, and the write the seat: a deadlock, the
    page a 503. Now the write reads its seats locked after the priority, the page waits
    for the plan, then is refused: the seat changed since it was opened."""
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    world = plan_with_a_seat()
    page = signed_in(staff)
    address = url(Assignment, "change", world.seat.pk)
    form = opened(page, address) | {"organization_fr": "Ministère des Services aux citoyens"}
    race = Race()
    held_at_check_save(monkeypatch, race)
    seats = {"seats": [{"role": SeatRole.LEAD, "jurisdiction": "BC", "organization_en": "Citizens' Services"}]}

    patched, saved = race.run(
        lambda: client(staff).patch(f"/api/v1/priorities/{world.priority.pk}/", seats, format="json"),
        lambda: page.post(address, form),
    )

    assert (patched.status_code, saved.status_code) == (200, 200), (patched.content, saved.content[:500])
    assert saved.context["adminform"].form.non_field_errors()
    stored = Assignment.objects.get(pk=world.seat.pk)
    # The API's write, not the page's (refused): the French name is the one stored before.
    assert (stored.organization_en, stored.organization_fr) == ("Citizens' Services", world.seat.organization_fr)


@alone
def test_a_close_racing_the_closing_of_its_plan_leaves_nothing_half_done(monkeypatch):
    """The closing read its updates as publishable, then locked their plan to publish
    them; the plan closed in between, and the closing refused itself whole (the plan is
    closed). Now it locks the plan first: the plan's closing waits for it, and both go
    through."""
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    world = plan_with_a_seat(slug="2020", status=WorkPlanStatus.ACTIVE)
    period = open_period(world, staff)
    update = submitted(world, period, staff)
    race = Race()
    held_in(monkeypatch, cycles, "progress_update_refusals", race, after=True)

    closed, patched = race.run(
        lambda: attempt(lambda: cycles.period_close(period=period, by=staff, on=AFTER_DEADLINE)),
        lambda: client(staff).patch(
            f"/api/v1/work-plans/{world.plan.slug}/", {"status": WorkPlanStatus.CLOSED}, format="json"
        ),
    )

    assert (closed, patched.status_code) == ([update], 200), (closed, patched.content)
    assert ReportingPeriod.objects.get(pk=period.pk).status == ReportingPeriodStatus.CLOSED
    assert ProgressUpdate.objects.get(pk=update.pk).publication_state == PublicationState.PUBLISHED
    assert WorkPlan.objects.get(pk=world.plan.pk).status == WorkPlanStatus.CLOSED


@alone
def test_an_opening_racing_a_deletion_of_its_plan(monkeypatch):
    """The opening read its plan unlocked; the deletion went through, then the opening
    failed on the database's foreign key (an IntegrityError: a 500). Now the opening
    locks the plan first: the deletion waits, and is refused (the plan has a period)."""
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    world = plan_with_a_seat(slug="2020", status=WorkPlanStatus.ACTIVE)
    race = Race()
    # Held once checked, as it fixes the milestones it covers.
    held_in(monkeypatch, cycles, "_milestones_to_cover", race, call=2)

    opened_period, deleted = race.run(
        lambda: attempt(lambda: open_period(world, staff)),
        lambda: client(staff).delete(f"/api/v1/work-plans/{world.plan.slug}/"),
    )

    assert isinstance(opened_period, ReportingPeriod), opened_period
    assert deleted.status_code == 409, deleted.content
    assert list(ReportingPeriod.objects.get(pk=opened_period.pk).milestones.all()) == [world.milestone]


@alone
def test_a_period_closed_while_its_deletion_is_confirmed_is_not_deleted(monkeypatch):
    """The deletion read the period open, then deleted it, closed meanwhile: its updates
    were no longer locked. Now it locks the plan and the period, reads it again, and
    says why it is refused."""
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    world = plan_with_a_seat(slug="2020", status=WorkPlanStatus.ACTIVE)
    period = open_period(world, staff)
    update = submitted(world, period, staff)
    page = signed_in(staff)
    race = Race()
    held_in(monkeypatch, ReportingPeriodAdmin, "has_delete_permission", race)

    deleted, closed = race.run(
        lambda: page.post(url(ReportingPeriod, "delete", period.pk), {"post": "yes"}, follow=True),
        lambda: cycles.period_close(period=period, by=staff, on=AFTER_DEADLINE),
    )

    assert closed == [update]
    assert deleted.status_code == 200
    assert [str(message) for message in deleted.context["messages"]] == [
        "This reporting period was closed meanwhile: a closed period is not deleted, as its updates would then no "
        "longer be locked."
    ]
    assert ReportingPeriod.objects.get(pk=period.pk).status == ReportingPeriodStatus.CLOSED
    assert cycles.progress_update_is_locked(ProgressUpdate.objects.get(pk=update.pk))


@alone
def test_no_reminder_goes_out_for_a_period_closed_while_the_reminders_are_sent(monkeypatch):
    """The reminders read the period open, then claimed and sent one, the period closed
    meanwhile. Now each claim locks the plan and the period and reads it again: none."""
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    world = plan_with_a_seat(slug="2020", status=WorkPlanStatus.ACTIVE)
    period = open_period(world, staff)
    race = Race()
    # Held once it knows whom to remind, before it claims the first reminder.
    held_in(monkeypatch, cycles, "_contributor_addresses", race)
    mail.outbox = []

    sent, closed = race.run(
        lambda: cycles.period_remind(period=ReportingPeriod.objects.select_related("work_plan").get(pk=period.pk)),
        lambda: cycles.period_close(period=period, by=staff, on=AFTER_DEADLINE),
    )

    assert (sent, closed) == (0, [])
    assert mail.outbox == []
    assert not PeriodReminder.objects.exists()


RACES = [
    test_a_close_racing_a_deletion_of_its_plan_goes_through_and_the_deletion_is_refused,
    test_a_seat_changed_on_its_page_racing_a_deletion_of_its_plan,
    test_a_seat_changed_on_its_page_racing_an_api_write_of_its_priority_seats,
    test_a_close_racing_the_closing_of_its_plan_leaves_nothing_half_done,
    test_an_opening_racing_a_deletion_of_its_plan,
    test_a_period_closed_while_its_deletion_is_confirmed_is_not_deleted,
    test_no_reminder_goes_out_for_a_period_closed_while_the_reminders_are_sent,
]


@pytest.mark.services
def test_the_lock_order_races_of_periods_and_seats_on_postgresql():
    """The tests above, in a run of their own on a PostgreSQL database of their own."""
    here = Path(__file__).relative_to(settings.BASE_DIR)
    tests = [f"{here}::{test.__name__}" for test in RACES]
    env = {ALONE: "1", "COGWG_REQUIRE_SERVICES": "1"}
    run_on_postgresql("--create-db", *tests, database="cogwg_lock_order_periods", passed=len(RACES), env=env)
