"""At most one work plan is active. Activating a plan closes the active plan that started
before it (the next year's replaces the last); a plan that starts no later than the
active one does not replace it: the admin's form, the API (400, next to the status) and a
revert of its history refuse it, saying which plan is active, and nothing changes. The
service that stores a plan checks it again (``work_plan_save``), and migration
workplan/0007 closes all but the latest of the plans a database holds active.

What the reviewer saw: ``PATCH /api/v1/work-plans/2020/ {"status": "active"}`` while 2021
was active left both active, and the nightly overdue marking then marked both."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from cogwg.reports.services import milestones_mark_overdue
from tests.factories import MilestoneFactory, PriorityFactory, StaffFactory, WorkPlanFactory
from tests.test_admin import admin_url, form_data
from workplan.choices import MilestoneStatus, WorkPlanStatus
from workplan.models import ONE_ACTIVE_PLAN_CONSTRAINT, ProgressUpdate, WorkPlan
from workplan.services import work_plan_save

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
REFUSED = {
    "en": (
        "Only one work plan is active at a time: “COGWG 2021 work plan” is active, and it starts on Jan. 1, 2021, "
        "not before this one. Close it first to make this plan active."
    ),
    "fr": (
        f"Un seul plan de travail est actif à la fois{NBSP}: «{NBSP}Plan de travail 2021 du GTGOC{NBSP}» est actif, "
        "et il commence le 1er janvier 2021, pas avant celui-ci. Fermez-le d'abord pour rendre ce plan actif."
    ),
}


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate("en")


def plan(year, status, **values):
    return WorkPlanFactory(
        **{
            "slug": str(year),
            "title_en": f"COGWG {year} work plan",
            "title_fr": f"Plan de travail {year} du GTGOC",
            "start_date": datetime.date(year, 1, 1),
            "end_date": datetime.date(year, 12, 31),
            "summary_en": f"The {year} plan.",
            "summary_fr": f"Le plan {year}.",
            "status": status,
        }
        | values
    )


@pytest.fixture
def without_the_rule(db):
    """The database as it was before workplan/0008 held to the rule too: several plans
    may be active. Dropped in the test's transaction, which puts it back."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(ONE_ACTIVE_PLAN_CONSTRAINT)}")


@pytest.fixture
def plans(db):
    """2020 closed when 2021 was made active (through the service, as the admin does)."""
    old = plan(2020, WorkPlanStatus.ACTIVE)
    new = plan(2021, WorkPlanStatus.DRAFT)
    new.status = WorkPlanStatus.ACTIVE
    work_plan_save(work_plan=new)
    old.refresh_from_db()
    assert old.status == WorkPlanStatus.CLOSED
    return old, new


def statuses():
    return dict(WorkPlan.objects.values_list("slug", "status"))


BOTH = {"2020": WorkPlanStatus.CLOSED, "2021": WorkPlanStatus.ACTIVE}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_api_refuses_to_make_an_older_plan_active(plans, staff_api, language):
    old, _new = plans
    versions = old.history.count()

    response = staff_api.patch(f"/api/v1/work-plans/2020/?lang={language}", {"status": "active"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"status": [REFUSED[language]]}
    assert statuses() == BOTH
    assert old.history.count() == versions


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_admin_refuses_to_make_an_older_plan_active(plans, staff_client, language):
    old, _new = plans
    url = admin_url(WorkPlan, "change", old.pk).replace("/en/", f"/{language}/")

    response = staff_client.post(url, form_data(staff_client.get(url)) | {"status": WorkPlanStatus.ACTIVE})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"status": [REFUSED[language]]}
    assert statuses() == BOTH


def test_a_revert_to_an_active_version_is_refused_while_a_newer_plan_is_active(plans, client):
    old, _new = plans
    active_version = old.history.filter(status=WorkPlanStatus.ACTIVE).earliest()
    client.force_login(StaffFactory(username="secretariat"))
    with translation.override("fr"):
        address = reverse("admin:workplan_workplan_simple_history", args=[old.pk, active_version.history_id])

    response = client.post(address, form_data(client.get(address)))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"status": [REFUSED["fr"]]}
    assert statuses() == BOTH


def test_a_plan_starting_the_same_day_does_not_replace_the_active_one(plans):
    _old, new = plans
    twin = plan(2022, WorkPlanStatus.DRAFT, start_date=new.start_date)
    twin.status = WorkPlanStatus.ACTIVE

    with pytest.raises(ValidationError) as error:
        twin.full_clean()
    with pytest.raises(ValidationError) as saved:
        work_plan_save(work_plan=twin)

    assert error.value.message_dict == saved.value.message_dict == {"status": [REFUSED["en"]]}
    assert statuses() == BOTH | {"2022": WorkPlanStatus.DRAFT}


def test_the_service_refuses_even_what_the_form_did_not_check(plans):
    """Two plans made active at the same time: each form saw no newer active plan."""
    old, _new = plans
    old.status = WorkPlanStatus.ACTIVE

    with pytest.raises(ValidationError) as error:
        work_plan_save(work_plan=old)

    assert error.value.message_dict == {"status": [REFUSED["en"]]}
    assert statuses() == BOTH


def test_the_overdue_marking_marks_the_active_plan_only(plans, staff_api):
    old, new = plans
    MilestoneFactory(priority=PriorityFactory(work_plan=old), due_date=datetime.date(2020, 3, 31))
    current = MilestoneFactory(priority=PriorityFactory(work_plan=new), due_date=datetime.date(2021, 3, 31))
    staff_api.patch("/api/v1/work-plans/2020/", {"status": "active"}, format="json")

    assert milestones_mark_overdue(on=datetime.date(2021, 4, 15)) == 1

    assert list(ProgressUpdate.objects.values_list("milestone", "status")) == [(current.pk, MilestoneStatus.DELAYED)]


# The migration


def test_the_migration_closes_all_but_the_latest_active_plan_in_their_history(without_the_rule):
    older, old = plan(2019, WorkPlanStatus.ACTIVE), plan(2020, WorkPlanStatus.ACTIVE)
    latest = plan(2021, WorkPlanStatus.ACTIVE)
    draft = plan(2022, WorkPlanStatus.DRAFT)
    migration = importlib.import_module("workplan.migrations.0007_close_all_but_one_active_plan")

    migration.close_all_but_one(apps, None)
    migration.close_all_but_one(apps, None)  # a second run finds one active plan: nothing to do

    assert statuses() == {
        "2019": WorkPlanStatus.CLOSED,
        "2020": WorkPlanStatus.CLOSED,
        "2021": WorkPlanStatus.ACTIVE,
        "2022": WorkPlanStatus.DRAFT,
    }
    for closed in (older, old):
        version = closed.history.latest()
        assert (version.status, version.history_type, version.history_user) == (WorkPlanStatus.CLOSED, "~", None)
        assert version.history_change_reason == migration.REASON
        assert version.title_fr == closed.title_fr
        assert closed.history.count() == 2
    assert (latest.history.count(), draft.history.count()) == (1, 1)


def test_the_admin_says_the_services_refusal_on_the_form(without_the_rule, plans, staff_client):
    """Two plans stored active before the rule (migrations workplan/0007 and 0008 close
    the older): saving the older one is refused by the service, on the page, and nothing
    is written."""
    old, _new = plans
    WorkPlan.objects.filter(pk=old.pk).update(status=WorkPlanStatus.ACTIVE)
    url = admin_url(WorkPlan, "change", old.pk)

    response = staff_client.post(url, form_data(staff_client.get(url)) | {"title_en": "Renamed"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"status": [REFUSED["en"]]}
    assert WorkPlan.objects.get(pk=old.pk).title_en == "COGWG 2020 work plan"
