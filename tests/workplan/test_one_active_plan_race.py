"""Two plans made active at the same time end with one active plan: the service that
stores a plan locks every plan first (``work_plan_close_previous``), so the later
activation waits for the earlier one to commit, then reads it, and closes it (the later
plan is the newer one). Locking only the active plans, the later one found none once the
earlier had closed the plan both would close, and stored its own: two active plans. The
first plans of a database (no row to lock) wait on the database's own rule (workplan/0008)
instead, and the later one is checked again once it has read the other. And
a progress update posted while its plan is being closed waits for the closing, then is
refused: the closed plan's log stays as it was closed."""

import datetime
import os
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from tests.conftest import run_on_postgresql
from tests.factories import MilestoneFactory, PriorityFactory, WorkPlanFactory
from workplan.choices import MilestoneStatus, WorkPlanStatus
from workplan.models import ProgressUpdate, WorkPlan
from workplan.services import milestone_post_update, work_plan_save

# The tests below run in a pytest process of their own, on a PostgreSQL database of their
# own (the last test starts it): their writes commit.
ALONE = "COGWG_TEST_ONE_ACTIVE_PLAN_RACE_ALONE"
alone = pytest.mark.skipif(
    os.environ.get(ALONE) != "1", reason="runs in a PostgreSQL run of its own: test_the_races_on_postgresql"
)


def plan(year, status):
    return WorkPlanFactory(
        slug=str(year),
        title_en=f"COGWG {year} work plan",
        title_fr=f"Plan de travail {year} du GTGOC",
        start_date=datetime.date(year, 1, 1),
        end_date=datetime.date(year, 12, 31),
        summary_en=f"The {year} plan.",
        summary_fr=f"Le plan {year}.",
        status=status,
    )


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def race(first, second):
    """Run ``first`` in a transaction held open once it has run, start ``second`` and let
    it wait on a lock, then commit ``first``; returns what each raised (or None)."""
    done, release = threading.Event(), threading.Event()
    raised = {}

    def hold():
        try:
            with transaction.atomic():
                first()
                done.set()
                assert release.wait(30)
        except Exception as error:  # reported to the test
            raised["first"] = error
        finally:
            done.set()
            connection.close()

    def run():
        try:
            second()
        except Exception as error:  # reported to the test
            raised["second"] = error
        finally:
            connection.close()

    holding, running = threading.Thread(target=hold), threading.Thread(target=run)
    holding.start()
    assert done.wait(30)
    running.start()
    deadline = time.monotonic() + 10
    while running.is_alive() and not _waiting_on_a_lock() and time.monotonic() < deadline:
        time.sleep(0.05)
    waited = running.is_alive()
    release.set()
    holding.join(30)
    running.join(30)
    return raised.get("first"), raised.get("second"), waited


def activate(work_plan):
    work_plan.status = WorkPlanStatus.ACTIVE
    return lambda: work_plan_save(work_plan=work_plan)


@pytest.mark.services
@alone
@pytest.mark.django_db(transaction=True)
def test_two_plans_made_active_at_the_same_time_leave_one_active():
    assert connection.vendor == "postgresql"
    plan(2020, WorkPlanStatus.ACTIVE)
    next_year, the_year_after = plan(2021, WorkPlanStatus.DRAFT), plan(2022, WorkPlanStatus.DRAFT)

    first, second, waited = race(activate(next_year), activate(the_year_after))

    assert (first, second, waited) == (None, None, True)
    assert dict(WorkPlan.objects.values_list("slug", "status")) == {
        "2020": WorkPlanStatus.CLOSED,
        "2021": WorkPlanStatus.CLOSED,
        "2022": WorkPlanStatus.ACTIVE,
    }


@pytest.mark.services
@alone
@pytest.mark.django_db(transaction=True)
def test_an_update_posted_while_its_plan_is_closed_waits_and_is_refused():
    assert connection.vendor == "postgresql"
    old = plan(2020, WorkPlanStatus.ACTIVE)
    milestone = MilestoneFactory(priority=PriorityFactory(work_plan=old), due_date=datetime.date(2020, 6, 30))
    new = plan(2021, WorkPlanStatus.DRAFT)

    def post():
        milestone_post_update(
            milestone=milestone, reported_on=datetime.date(2020, 12, 1), status=MilestoneStatus.ON_TRACK, progress=50
        )

    first, second, waited = race(activate(new), post)

    assert (first, waited) == (None, True)
    assert isinstance(second, ValidationError)
    assert list(second.message_dict) == ["milestone"]
    assert not ProgressUpdate.objects.exists()
    assert WorkPlan.objects.get(pk=old.pk).status == WorkPlanStatus.CLOSED


def unsaved(year):
    """A new plan, to be made active: not stored yet."""
    return WorkPlanFactory.build(
        slug=str(year),
        title_en=f"COGWG {year} work plan",
        title_fr=f"Plan de travail {year} du GTGOC",
        start_date=datetime.date(year, 1, 1),
        end_date=datetime.date(year, 12, 31),
        summary_en=f"The {year} plan.",
        summary_fr=f"Le plan {year}.",
        status=WorkPlanStatus.ACTIVE,
    )


def save(work_plan):
    return lambda: work_plan_save(work_plan=work_plan)


@pytest.mark.services
@alone
@pytest.mark.django_db(transaction=True)
def test_the_first_two_plans_made_active_at_the_same_time_leave_the_later_one_active():
    """No plan stored yet: no row for the lock to wait on. The database's rule makes the
    second save wait for the first to commit; the second then reads it, and closes it."""
    assert connection.vendor == "postgresql"

    first, second, waited = race(save(unsaved(2021)), save(unsaved(2022)))

    assert (first, second, waited) == (None, None, True)
    assert dict(WorkPlan.objects.values_list("slug", "status")) == {
        "2021": WorkPlanStatus.CLOSED,
        "2022": WorkPlanStatus.ACTIVE,
    }


@pytest.mark.services
@alone
@pytest.mark.django_db(transaction=True)
def test_an_older_first_plan_made_active_at_the_same_time_is_refused_not_an_error():
    assert connection.vendor == "postgresql"

    first, second, waited = race(save(unsaved(2021)), save(unsaved(2020)))

    assert (first, waited) == (None, True)
    assert isinstance(second, ValidationError)
    assert second.message_dict == {
        "status": [
            "Only one work plan is active at a time: “COGWG 2021 work plan” is active, and it starts on Jan. 1, "
            "2021, not before this one. Close it first to make this plan active."
        ]
    }
    assert dict(WorkPlan.objects.values_list("slug", "status")) == {"2021": WorkPlanStatus.ACTIVE}


@pytest.mark.services
def test_the_races_on_postgresql():
    """The tests above, in a run of their own on a PostgreSQL database of their own."""
    here = Path(__file__).relative_to(settings.BASE_DIR)
    tests = [
        f"{here}::{test.__name__}"
        for test in (
            test_two_plans_made_active_at_the_same_time_leave_one_active,
            test_an_update_posted_while_its_plan_is_closed_waits_and_is_refused,
            test_the_first_two_plans_made_active_at_the_same_time_leave_the_later_one_active,
            test_an_older_first_plan_made_active_at_the_same_time_is_refused_not_an_error,
        )
    ]
    env = {ALONE: "1", "COGWG_REQUIRE_SERVICES": "1"}
    run_on_postgresql("--create-db", *tests, database="cogwg_one_active_plan_race", passed=4, env=env)
