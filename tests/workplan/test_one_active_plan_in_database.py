"""The database holds to the rule that at most one work plan is active (workplan/0008: a
unique status among the active plans), beside the service that keeps to it
(``work_plan_save``). A plan made active by a write the service's lock could not wait
for meets the rule as the plan is saved: it is then read, and the plan checked again as
if it had come second (the older one closed, or this one refused with ONE_ACTIVE_PLAN's
words), in the admin and the API alike: never a 500, never the database's words. The
migration first closes all but the latest active plan, as 0007 did.

The test factory makes a plan active only while no other is; the others are closed."""

import datetime
import importlib

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from tests.factories import MilestoneFactory, PriorityFactory, StaffFactory, WorkPlanFactory
from tests.test_admin import admin_url, form_data
from tests.workplan.test_one_active_plan import plan, statuses
from workplan import services
from workplan.choices import WorkPlanStatus
from workplan.models import WorkPlan

NBSP = "\u00a0"
ACTIVE, CLOSED, DRAFT = WorkPlanStatus.ACTIVE, WorkPlanStatus.CLOSED, WorkPlanStatus.DRAFT
REFUSED_FOR_2022 = {
    "en": (
        "Only one work plan is active at a time: “COGWG 2022 work plan” is active, and it starts on Jan. 1, 2022, "
        "not before this one. Close it first to make this plan active."
    ),
    "fr": (
        f"Un seul plan de travail est actif à la fois{NBSP}: «{NBSP}Plan de travail 2022 du GTGOC{NBSP}» est actif, "
        "et il commence le 1er janvier 2022, pas avant celui-ci. Fermez-le d'abord pour rendre ce plan actif."
    ),
}


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate("en")


@pytest.fixture
def made_active_meanwhile(monkeypatch):
    """``made_active_meanwhile(other)``: ``other`` is made active by a write that commits
    just after the service's check under lock, before its save (as the first plans of a
    database may be: there is no row for the lock to wait on)."""

    def arrange(other):
        check = services.work_plan_close_previous
        checks = []

        def checked_then_other_made_active(**kwargs):
            checks.append(kwargs["work_plan"].slug)
            closed = check(**kwargs)
            if len(checks) == 1:
                WorkPlan.objects.filter(pk=other.pk).update(status=ACTIVE)
            return closed

        monkeypatch.setattr(services, "work_plan_close_previous", checked_then_other_made_active)
        return checks

    return arrange


# The rule in the database


@pytest.mark.django_db
def test_the_database_refuses_a_second_active_plan_however_it_is_written():
    first = plan(2020, ACTIVE)
    second = plan(2021, DRAFT)

    with pytest.raises(IntegrityError), transaction.atomic():
        WorkPlan.objects.filter(pk=second.pk).update(status=ACTIVE)
    with pytest.raises(IntegrityError), transaction.atomic():
        plan(2022, ACTIVE)

    assert statuses() == {"2020": ACTIVE, "2021": DRAFT}
    # Drafts and closed plans, as many as there are.
    plan(2019, CLOSED), plan(2018, CLOSED), plan(2023, DRAFT)
    assert WorkPlan.objects.active().get() == first


@pytest.mark.django_db
def test_a_form_may_still_make_a_newer_plan_active_which_closes_the_older():
    """The constraint is not among the model's checks (``full_clean``): activating a plan
    closes the one before it, the service keeping to the rule."""
    plan(2020, ACTIVE)
    newer = plan(2021, DRAFT)
    newer.status = ACTIVE

    newer.full_clean()
    closed = services.work_plan_save(work_plan=newer)

    assert [work_plan.slug for work_plan in closed] == ["2020"]
    assert statuses() == {"2020": CLOSED, "2021": ACTIVE}


# The factory


@pytest.mark.django_db
def test_the_factory_makes_the_first_plan_active_and_the_others_closed():
    first, second = WorkPlanFactory(), PriorityFactory().work_plan
    draft = WorkPlanFactory(status=DRAFT)
    third = MilestoneFactory().priority.work_plan

    assert [first.status, second.status, draft.status, third.status] == [ACTIVE, CLOSED, DRAFT, CLOSED]
    assert WorkPlanFactory.build().status == ACTIVE  # not stored: no other plan to mind


@pytest.mark.django_db
def test_the_factory_makes_a_plan_active_again_once_none_is():
    first = WorkPlanFactory()
    WorkPlan.objects.filter(pk=first.pk).update(status=CLOSED)

    assert WorkPlanFactory().status == ACTIVE


@pytest.mark.django_db
def test_the_factory_refuses_two_plans_asked_active():
    WorkPlanFactory(status=ACTIVE)

    with pytest.raises(IntegrityError), transaction.atomic():
        WorkPlanFactory(status=ACTIVE)


# A plan made active meanwhile, through the API and the admin


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_api_refuses_a_plan_when_a_newer_one_was_made_active_meanwhile(staff_api, made_active_meanwhile, language):
    plan(2021, DRAFT)
    checks = made_active_meanwhile(plan(2022, DRAFT))

    response = staff_api.patch(f"/api/v1/work-plans/2021/?lang={language}", {"status": "active"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"status": [REFUSED_FOR_2022[language]]}
    assert checks == ["2021", "2021"]  # checked again once the save met the other
    assert statuses() == {"2021": DRAFT, "2022": DRAFT}


@pytest.mark.django_db
def test_the_api_closes_an_older_plan_made_active_meanwhile(staff_api, staff, made_active_meanwhile):
    older = plan(2020, DRAFT)
    made_active_meanwhile(older)
    plan(2021, DRAFT)

    response = staff_api.patch("/api/v1/work-plans/2021/", {"status": "active"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == ACTIVE
    assert statuses() == {"2020": CLOSED, "2021": ACTIVE}
    closing = older.history.latest()
    assert (closing.status, closing.history_user) == (CLOSED, staff)


@pytest.mark.django_db
def test_the_api_creates_a_plan_refused_when_a_newer_one_was_made_active_meanwhile(staff_api, made_active_meanwhile):
    made_active_meanwhile(plan(2022, DRAFT))
    data = {
        "slug": "2021",
        "title_en": "COGWG 2021 work plan",
        "title_fr": "Plan de travail 2021 du GTGOC",
        "summary_en": "The 2021 plan.",
        "summary_fr": "Le plan 2021.",
        "start_date": "2021-01-01",
        "end_date": "2021-12-31",
        "status": "active",
    }

    response = staff_api.post("/api/v1/work-plans/", data, format="json")

    assert response.status_code == 400, response.content
    assert response.json() == {"status": [REFUSED_FOR_2022["en"]]}
    assert statuses() == {"2022": DRAFT}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_admin_refuses_a_plan_when_a_newer_one_was_made_active_meanwhile(client, made_active_meanwhile, language):
    client.force_login(StaffFactory(username="secretariat"))
    old = plan(2021, DRAFT)
    made_active_meanwhile(plan(2022, DRAFT))
    with translation.override(language):
        url = admin_url(WorkPlan, "change", old.pk)

    response = client.post(url, form_data(client.get(url)) | {"status": ACTIVE, "title_en": "Renamed"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"status": [REFUSED_FOR_2022[language]]}
    assert statuses() == {"2021": DRAFT, "2022": DRAFT}
    assert WorkPlan.objects.get(pk=old.pk).title_en == "COGWG 2021 work plan"


@pytest.mark.django_db
def test_the_admin_closes_an_older_plan_made_active_meanwhile(client, made_active_meanwhile):
    client.force_login(StaffFactory(username="secretariat"))
    made_active_meanwhile(plan(2020, DRAFT))
    new = plan(2021, DRAFT)
    url = admin_url(WorkPlan, "change", new.pk)

    response = client.post(url, form_data(client.get(url)) | {"status": ACTIVE})

    assert response.status_code == 302
    assert statuses() == {"2020": CLOSED, "2021": ACTIVE}


@pytest.mark.django_db
def test_another_rule_of_the_database_is_not_taken_for_this_one(made_active_meanwhile):
    """The save meets the rule only when another plan is active: a slug taken meanwhile
    stays the database's error (the API and the admin check it first)."""
    plan(2020, DRAFT)
    twin = WorkPlanFactory.build(slug="2020", status=DRAFT)

    with pytest.raises(IntegrityError):
        services.work_plan_save(work_plan=twin)


# The migration


@pytest.fixture
def migrator(settings, transactional_db):
    """A migration executor on the test database, every migration recorded as applied
    (the suite makes the tables from the models): it moves the database to a migration
    and back, and leaves it at the latest."""
    settings.MIGRATION_MODULES = {}  # the suite runs without them (--no-migrations): read them here
    executor = MigrationExecutor(connection)
    recorder = executor.recorder
    recorder.ensure_schema()
    recorded = set(recorder.applied_migrations())
    added = [key for key in executor.loader.graph.nodes if key not in recorded]
    for key in added:
        recorder.record_applied(*key)

    def migrate(target):
        executor.loader.build_graph()
        executor.migrate([target])

    yield migrate
    migrate(executor.loader.graph.leaf_nodes("workplan")[0])
    for app, name in added:
        recorder.record_unapplied(app, name)


def test_the_migration_closes_all_but_the_latest_active_plan_then_holds_to_the_rule(migrator):
    """Plans made active since 0007, by a write that went round the service."""
    migrator(("workplan", "0007_close_all_but_one_active_plan"))
    older, same_day = plan(2019, ACTIVE), plan(2021, ACTIVE)
    latest = plan(2022, ACTIVE, start_date=datetime.date(2021, 1, 1), end_date=datetime.date(2022, 12, 31))
    draft = plan(2023, DRAFT)
    migration = importlib.import_module("workplan.migrations.0008_one_active_plan")

    migrator(("workplan", "0008_one_active_plan"))

    assert statuses() == {"2019": CLOSED, "2021": CLOSED, "2022": ACTIVE, "2023": DRAFT}
    for closed in (older, same_day):
        version = closed.history.latest()
        assert (version.status, version.history_type, version.history_user) == (CLOSED, "~", None)
        assert version.history_change_reason == migration.REASON
        assert closed.history.count() == 2
    assert (latest.history.count(), draft.history.count()) == (1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkPlan.objects.filter(pk=draft.pk).update(status=ACTIVE)


def test_unapplying_the_migration_drops_the_rule_and_reopens_nothing(migrator):
    migrator(("workplan", "0007_close_all_but_one_active_plan"))
    plan(2020, ACTIVE), plan(2021, ACTIVE)
    migrator(("workplan", "0008_one_active_plan"))

    migrator(("workplan", "0007_close_all_but_one_active_plan"))

    assert statuses() == {"2020": CLOSED, "2021": ACTIVE}
    WorkPlan.objects.filter(slug="2020").update(status=ACTIVE)  # allowed again
    assert WorkPlan.objects.active().count() == 2
