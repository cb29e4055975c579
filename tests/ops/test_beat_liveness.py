"""Beat's liveness (cogwg/health.py): read from the sweepers' last runs, which beat records in
the database (django-celery-beat's PeriodicTask.last_run_at). /readyz tells it without
failing for it, `manage.py check_beat` (the beat container's health check) exits 1 when
it is stale, and the admin's index warns the secretariat. tests/ops/test_long_queue.py
runs a real beat."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.utils import OperationalError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from cogwg import health
from cogwg.health import BEAT_HEARTBEAT_TASKS, beat_status
from cogwg.permissions import CONTRIBUTOR, SECRETARIAT, roles_sync
from tests.permissions.conftest import make_user

pytestmark = pytest.mark.django_db

EMAILS, FILES = BEAT_HEARTBEAT_TASKS


@pytest.fixture
def beat_used(settings):
    """As in production: tasks go to a broker (never reached here), beat sends the periodic ones."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.COGWG_BEAT_MAX_AGE_MINUTES = 15


def ago(minutes):
    return timezone.now() - datetime.timedelta(minutes=minutes)


def periodic(name, task, *, last_run_minutes=None, started_minutes=0, enabled=True):
    """A periodic task as beat writes it at its start, last sent ``last_run_minutes`` ago
    (None: not yet), beat having started ``started_minutes`` ago."""
    every, _ = IntervalSchedule.objects.get_or_create(every=300, period=IntervalSchedule.SECONDS)
    row = PeriodicTask.objects.create(name=name, task=task, interval=every, enabled=enabled)
    last_run_at = ago(last_run_minutes) if last_run_minutes is not None else None
    # Both written as beat writes them, not as save() would (date_changed is auto_now).
    PeriodicTask.objects.filter(pk=row.pk).update(last_run_at=last_run_at, date_changed=ago(started_minutes))
    return row


def check_beat(*args):
    out = io.StringIO()
    call_command("check_beat", *args, stdout=out)
    return out.getvalue()


def test_beat_sending_the_sweepers_is_ok(beat_used):
    periodic("sweep-pending-emails", EMAILS, last_run_minutes=3, started_minutes=60)
    periodic("sweep-pending-report-files", FILES, last_run_minutes=4, started_minutes=60)

    status = beat_status()

    assert (status.status, status.stale) == ("ok", False)
    assert round(status.age.total_seconds() / 60) == 3
    assert status.last_sweep == status.since
    assert check_beat().startswith("beat ok: last sweep 3 min ago, at ")


def test_no_sweep_for_longer_than_the_maximum_age_is_stale_and_check_beat_exits_1(beat_used):
    periodic("sweep-pending-emails", EMAILS, last_run_minutes=40, started_minutes=90)
    periodic("sweep-pending-report-files", FILES, last_run_minutes=20, started_minutes=90)

    status = beat_status()

    assert status.status == "stale"
    assert round(status.age.total_seconds() / 60) == 20  # the newer of the two
    with pytest.raises(CommandError, match=r"^beat stale: last sweep 20 min ago, .* \(more than 15 min\)$") as error:
        check_beat()
    assert error.value.returncode == 1
    # A longer maximum age, given to the command, accepts it.
    assert check_beat("--max-age-minutes", "30").startswith("beat ok: last sweep 20 min ago")


def test_before_the_first_sweep_the_age_counts_from_beat_s_start(beat_used):
    periodic("sweep-pending-emails", EMAILS, started_minutes=2)

    assert beat_status().status == "ok"
    assert check_beat() == "beat ok: no sweep yet since beat started, 2 min ago (at most 15 min)\n"

    PeriodicTask.objects.update(date_changed=ago(16))
    assert beat_status().status == "stale"


def test_beat_never_started_or_the_sweepers_turned_off_is_stale(beat_used):
    assert beat_status().status == "stale"
    with pytest.raises(CommandError, match="no sweeper is enabled"):
        check_beat()

    # Turned off in the admin: beat no longer sends them, whatever they did before.
    periodic("sweep-pending-emails", EMAILS, last_run_minutes=1, enabled=False)
    periodic("an-hourly-job", "cogwg.tasks.check_links", last_run_minutes=1)
    assert beat_status().status == "stale"


def test_without_a_broker_there_is_no_beat_to_check(settings, django_assert_num_queries):
    settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL = True, ""

    with django_assert_num_queries(0):
        status = beat_status()

    assert status.status == "not used"
    assert check_beat() == "beat not used: tasks run eagerly: no beat\n"


@pytest.mark.parametrize("value", ["0", "-5", "soon"])
def test_check_beat_refuses_a_maximum_age_that_is_no_positive_number_of_minutes(beat_used, value):
    with pytest.raises(CommandError, match="--max-age-minutes: a whole number of minutes, 1 or more"):
        check_beat("--max-age-minutes", value)


def test_check_beat_lists_each_periodic_task_s_last_run(beat_used):
    periodic("sweep-pending-emails", EMAILS, last_run_minutes=3)
    periodic("check-links-weekly", "cogwg.tasks.check_links", enabled=False)

    listing = check_beat("--verbosity", "2").splitlines()

    assert listing[0] == "check-links-weekly (off): cogwg.tasks.check_links, last run never, 0 runs"
    assert listing[1].startswith(f"sweep-pending-emails: {EMAILS}, last run 20")
    assert listing[2].startswith("beat ok")


def test_readyz_tells_a_stale_beat_without_failing(client, beat_used, monkeypatch):
    # The broker check would try the (absent) broker: only beat is under test here.
    monkeypatch.setitem(health.CHECKS, "broker", lambda: None)
    periodic("sweep-pending-emails", EMAILS, last_run_minutes=25)

    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    beat = body["beat"]
    assert (beat["status"], beat["max_age_seconds"]) == ("stale", 15 * 60)
    assert 25 * 60 - 5 <= beat["age_seconds"] <= 25 * 60 + 5
    assert beat["last_sweep"] == PeriodicTask.objects.get().last_run_at.isoformat()


def test_readyz_tells_a_live_beat(client, beat_used, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "broker", lambda: None)
    periodic("sweep-pending-emails", EMAILS, last_run_minutes=1)

    beat = client.get("/readyz").json()["beat"]

    assert beat["status"] == "ok"
    assert 55 <= beat["age_seconds"] <= 65


def test_readyz_reads_beat_in_one_query_whatever_the_number_of_periodic_tasks(client, beat_used, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "broker", lambda: None)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/readyz").status_code == 200
        return len(captured)

    periodic("sweep-pending-emails", EMAILS, last_run_minutes=1)
    few = queries()
    for number in range(6):
        periodic(f"job {number}", FILES if number % 2 else EMAILS, last_run_minutes=number)

    assert queries() == few == 2  # the database's SELECT 1, the sweepers' last runs


def test_readyz_with_the_database_down_does_not_ask_it_for_beat(client, beat_used, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "broker", lambda: None)
    asked = []

    def refused(*args, **kwargs):
        asked.append(1)
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refused)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["beat"] == {"status": "unknown", "detail": "the database is down"}
    assert len(asked) == 1


@pytest.fixture
def people(db):
    roles_sync()
    return make_user("sec", SECRETARIAT), make_user("alice", CONTRIBUTOR)


def index(client, language):
    with translation.override(language):
        return client.get(reverse("admin:index")).content.decode()


def test_the_admin_index_warns_the_secretariat_when_beat_has_stopped(client, beat_used, people):
    secretariat, contributor = people
    periodic("sweep-pending-emails", EMAILS, last_run_minutes=125)
    client.force_login(secretariat)

    english, french = index(client, "en"), index(client, "fr")

    assert "The scheduled jobs have not run for 2\xa0hours, 5\xa0minutes: reminders, dataset harvests" in english
    assert "Celery beat has stopped." in english
    assert "Les tâches planifiées ne se sont pas exécutées depuis 2\xa0heures, 5\xa0minutes\xa0: les rappels" in french
    assert "Celery beat s&#x27;est arrêté." in french
    assert "scheduled jobs" not in french
    # A contributor has nothing to do about it: not told.
    client.force_login(contributor)
    assert "Celery beat" not in index(client, "en")


def test_the_admin_index_warns_the_secretariat_when_beat_never_started(client, beat_used, people):
    client.force_login(people[0])

    assert "The scheduled jobs are not running:" in index(client, "en")
    assert "Les tâches planifiées ne tournent pas\xa0:" in index(client, "fr")


def test_the_admin_index_says_nothing_while_beat_runs(client, beat_used, people):
    periodic("sweep-pending-emails", EMAILS, last_run_minutes=2)
    client.force_login(people[0])

    assert "Celery beat" not in index(client, "en")
    assert "Celery beat" not in index(client, "fr")
