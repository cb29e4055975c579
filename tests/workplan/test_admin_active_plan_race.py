"""Two secretariat users make two plans active at the same time in the admin: the later
save waits for the earlier (the lock on every plan, or the database's rule when there is
no plan to lock: ``work_plan_save``), then is refused, the plan it would make active
starting before the one just made active. Its page says so on the status field, in its
language, once (the form read again sees the other plan too), and nothing of it is
written. These need row locks: they run in a pytest process of their own, on a PostgreSQL
database of their own (the last test starts it)."""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.api.test_write_races import Race
from tests.conftest import run_on_postgresql
from tests.factories import StaffFactory
from tests.test_admin import form_data
from tests.workplan.test_one_active_plan import REFUSED, plan, statuses
from workplan import admin as workplan_admin
from workplan.choices import WorkPlanStatus
from workplan.models import WorkPlan

ALONE = "COGWG_TEST_ADMIN_ACTIVE_PLAN_RACE_ALONE"


def alone(test):
    """A race test: on PostgreSQL, in the run of its own the last test starts."""
    test = pytest.mark.django_db(transaction=True)(test)
    test = pytest.mark.skipif(os.environ.get(ALONE) != "1", reason="runs in a PostgreSQL run of its own")(test)
    return pytest.mark.services(test)


def signed_in(username):
    client = Client()
    client.force_login(StaffFactory(username=username))
    return client


def adding(client, year, language):
    """A post of the admin's "add work plan" form, in ``language``, of the ``year`` plan, active."""
    with translation.override(language):
        url = reverse("admin:workplan_workplan_add")
    data = form_data(client.get(url)) | {
        "title_en": f"COGWG {year} work plan",
        "title_fr": f"Plan de travail {year} du GTGOC",
        "slug": str(year),
        "start_date": f"{year}-01-01",
        "end_date": f"{year}-12-31",
        "status": WorkPlanStatus.ACTIVE,
        "summary_en": f"The {year} plan.",
        "summary_fr": f"Le plan {year}.",
    }
    return lambda: client.post(url, data)


def held_once_saved(monkeypatch, race):
    """The first save held once its plan is stored, its transaction open."""
    work_plan_save = workplan_admin.work_plan_save

    def held(**kwargs):
        closed = work_plan_save(**kwargs)
        race.hold()
        return closed

    monkeypatch.setattr(workplan_admin, "work_plan_save", held)


@pytest.mark.parametrize("stored", [False, True], ids=["the first plans: the database's rule", "under the lock"])
@alone
def test_an_older_plan_made_active_at_the_same_time_is_refused_on_its_status_in_french(monkeypatch, stored):
    assert connection.vendor == "postgresql"
    if stored:
        plan(2019, WorkPlanStatus.CLOSED)
    first, second = adding(signed_in("alice"), 2021, "en"), adding(signed_in("bob"), 2020, "fr")
    race = Race()
    held_once_saved(monkeypatch, race)

    added, refused = race.run(first, second)

    assert added.status_code == 302
    assert refused.status_code == 200
    form = refused.context["adminform"].form
    assert form.errors == {"status": [REFUSED["fr"]]}
    assert refused.content.decode().count('id="id_status_error"') == 1
    assert statuses() == {"2021": WorkPlanStatus.ACTIVE} | ({"2019": WorkPlanStatus.CLOSED} if stored else {})
    assert not WorkPlan.history.filter(slug="2020").exists()
    assert WorkPlan.objects.get(slug="2021").start_date == datetime.date(2021, 1, 1)


@pytest.mark.services
def test_the_races_on_postgresql():
    """The tests above, in a run of their own on a PostgreSQL database of their own."""
    here = Path(__file__).relative_to(settings.BASE_DIR)
    test = test_an_older_plan_made_active_at_the_same_time_is_refused_on_its_status_in_french
    env = {ALONE: "1", "COGWG_REQUIRE_SERVICES": "1"}
    run_on_postgresql(f"{here}::{test.__name__}", database="cogwg_admin_active_plan_race", passed=2, env=env)
