"""Writes of the work plan lock its rows in one order, parent first and each table by
primary key: work plan → priority → milestone → progress update (workplan/services.py's
docstring). Two writes of one plan then wait for each other; taken in opposite orders
they deadlocked, and PostgreSQL cancelled one of them: a 503 with ``Retry-After`` for an
API client (the middleware's database-error answer), or an error in a job.

In each test the first write is held at a point of its own, some rows locked, while the
second starts; once the second waits for a lock, the first goes on (``Race``). In the
first three, the first then waited for the second in turn before the one order: a
deadlock, found within PostgreSQL's ``deadlock_timeout`` (1 s), and a 503. The last two
passed before too (their former locks took the plan with the row, by chance of a model's
ordering): they guard the admin's page and the nightly job against locking a row alone.
These need row locks: they run in a pytest process of their own, on a PostgreSQL
database of their own (the last test starts it), as tests/api/test_write_races.py's do."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from cogwg.admin_concurrency import stored_record
from cogwg.choices import PublicationState
from cogwg.reports import services as report_services
from cogwg.reports.services import milestones_mark_overdue
from tests.api.test_write_races import ALONE, Race, alone, client, held_at_check_save
from tests.conftest import run_on_postgresql
from tests.factories import MilestoneFactory, PriorityFactory, ProgressUpdateFactory, StaffFactory, WorkPlanFactory
from workplan.api import views as workplan_views
from workplan.choices import MilestoneStatus, WorkPlanStatus
from workplan.models import Milestone, ProgressUpdate, WorkPlan
from workplan.services import progress_updates_publish

DELETED_MILESTONE = "This milestone has just been deleted."


def submitted_update(milestone=None, **values):
    """An update submitted for review, its note in both languages: ready to publish."""
    return ProgressUpdateFactory(
        milestone=milestone or MilestoneFactory(),
        reported_on=datetime.date(2020, 4, 1),
        publication_state=PublicationState.SUBMITTED,
        published_at=None,
        **values,
    )


def held_before_deletion_check(monkeypatch, race):
    """An API deletion held once it has locked its record, before it locks what the
    deletion takes with it (``record_ensure_deletable``)."""
    ensure = workplan_views.record_ensure_deletable

    def held(**kwargs):
        race.hold()
        return ensure(**kwargs)

    monkeypatch.setattr(workplan_views, "record_ensure_deletable", held)


@alone
def test_a_publish_racing_a_deletion_of_its_milestone_waits_for_it(monkeypatch):
    """The deletion locks the milestone (its address), the publish the update; each then
    wanted the other's row. Now both start from the plan: the publish waits, and finds
    the update deleted with its milestone (a 404), never a 503."""
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    update = submitted_update()
    milestone = update.milestone
    race = Race()
    held_before_deletion_check(monkeypatch, race)

    deleted, published = race.run(
        lambda: client(staff).delete(f"/api/v1/milestones/{milestone.pk}/"),
        lambda: client(staff).post(f"/api/v1/progress-updates/{update.pk}/publish/"),
    )

    assert (deleted.status_code, published.status_code) == (204, 404), (deleted.content, published.content)
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    assert not ProgressUpdate.objects.filter(pk=update.pk).exists()


@alone
def test_a_post_racing_a_deletion_of_its_plan_is_refused_saying_why(monkeypatch):
    """The deletion locks the plan, then deletes its milestones; the post locked the
    milestone, then wanted the plan. Now the post waits for the plan, and is a 400 on the
    milestone deleted meanwhile."""
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    plan = WorkPlanFactory(slug="2031", status=WorkPlanStatus.DRAFT)
    milestone = MilestoneFactory(priority=PriorityFactory(work_plan=plan))
    race = Race()
    held_before_deletion_check(monkeypatch, race)
    body = {"milestone": milestone.pk, "reported_on": "2020-05-01", "status": "on_track", "progress": 40}

    deleted, posted = race.run(
        lambda: client(staff).delete(f"/api/v1/work-plans/{plan.slug}/"),
        lambda: client(staff).post("/api/v1/progress-updates/", body, format="json"),
    )

    assert (deleted.status_code, posted.status_code) == (204, 400), (deleted.content, posted.content)
    assert posted.json() == {"milestone": [DELETED_MILESTONE]}
    assert not WorkPlan.objects.filter(pk=plan.pk).exists()
    assert not ProgressUpdate.objects.exists()


@alone
def test_two_plans_made_active_at_once_close_the_plans_before_them_one_after_the_other(monkeypatch):
    """Each write locked its own plan, then every plan to close the active one: each held
    a plan the other wanted. Now a plan's write locks every plan first."""
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    first = WorkPlanFactory(slug="2020")
    second, third = (
        WorkPlanFactory(
            slug=str(year),
            status=WorkPlanStatus.DRAFT,
            start_date=datetime.date(year, 1, 1),
            end_date=datetime.date(year, 12, 31),
            summary_en="Summary",
            summary_fr="Résumé",
        )
        for year in (2021, 2022)
    )
    race = Race()
    held_at_check_save(monkeypatch, race)
    active = {"status": WorkPlanStatus.ACTIVE}

    made_second, made_third = race.run(
        lambda: client(staff).patch(f"/api/v1/work-plans/{second.slug}/", active, format="json"),
        lambda: client(staff).patch(f"/api/v1/work-plans/{third.slug}/", active, format="json"),
    )

    assert (made_second.status_code, made_third.status_code) == (200, 200), (made_second.content, made_third.content)
    statuses = dict(WorkPlan.objects.values_list("slug", "status"))
    assert statuses == {
        first.slug: WorkPlanStatus.CLOSED,
        second.slug: WorkPlanStatus.CLOSED,
        third.slug: WorkPlanStatus.ACTIVE,
    }


@alone
def test_an_update_published_from_its_admin_page_racing_a_deletion_of_its_milestone():
    """The update's admin page locks it as stored (``stored_record``), then publishes it
    (``progress_updates_publish``, as its save does); the deletion locks the milestone,
    then its updates. The page locks the update after its plan, priority and milestone:
    the deletion waits, and is refused (409), the update being published. (Its former
    lock took them all with the update, in one statement, through the model's ordering:
    this one passed before, and guards the page against a lock of the update alone.)"""
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    update = submitted_update()
    milestone = update.milestone
    race = Race()

    def admin_publish():
        with transaction.atomic():
            stored_record(update, lock=True)
            race.hold()
            return progress_updates_publish(queryset=ProgressUpdate.objects.filter(pk=update.pk), by=staff)

    published, deleted = race.run(admin_publish, lambda: client(staff).delete(f"/api/v1/milestones/{milestone.pk}/"))

    assert (published, deleted.status_code) == (1, 409), deleted.content
    assert ProgressUpdate.objects.get(pk=update.pk).publication_state == PublicationState.PUBLISHED
    assert Milestone.objects.get(pk=milestone.pk).progress == 50


@alone
def test_the_nightly_overdue_mark_and_a_publish_wait_for_each_other(monkeypatch):
    """The nightly marking locks a past-due milestone, then posts its mark; a publish of
    one of its updates goes meanwhile. The marking locks it after its plan, as posting
    does. (Its former lock took the plan with the milestone, in one statement: this one
    passed before, and guards the marking against a lock of the milestone alone.)"""
    assert connection.vendor == "postgresql"
    staff = StaffFactory(username="sec")
    update = submitted_update(milestone=MilestoneFactory(due_date=datetime.date(2020, 3, 31)))
    race = Race()
    closed_as_of = report_services.closed_as_of

    def held(**kwargs):
        race.hold()
        return closed_as_of(**kwargs)

    monkeypatch.setattr(report_services, "closed_as_of", held)

    marked, published = race.run(
        lambda: milestones_mark_overdue(on=datetime.date(2020, 4, 15)),
        lambda: client(staff).post(f"/api/v1/progress-updates/{update.pk}/publish/"),
    )

    assert (marked, published.status_code) == (1, 200), published.content
    stored = Milestone.objects.get(pk=update.milestone_id)
    # The mark (15 April) is the latest by report date: the milestone is delayed.
    assert (stored.status, stored.progress) == (MilestoneStatus.DELAYED, 0)


RACES = [
    test_a_publish_racing_a_deletion_of_its_milestone_waits_for_it,
    test_a_post_racing_a_deletion_of_its_plan_is_refused_saying_why,
    test_two_plans_made_active_at_once_close_the_plans_before_them_one_after_the_other,
    test_an_update_published_from_its_admin_page_racing_a_deletion_of_its_milestone,
    test_the_nightly_overdue_mark_and_a_publish_wait_for_each_other,
]


@pytest.mark.services
def test_the_lock_order_races_on_postgresql():
    """The tests above, in a run of their own on a PostgreSQL database of their own."""
    here = Path(__file__).relative_to(settings.BASE_DIR)
    tests = [f"{here}::{test.__name__}" for test in RACES]
    env = {ALONE: "1", "COGWG_REQUIRE_SERVICES": "1"}
    run_on_postgresql("--create-db", *tests, database="cogwg_lock_order", passed=len(RACES), env=env)
