"""Production runs its tasks on a broker, never eagerly in the web process (where a mail
server down would lose the e-mail, with no retry): without CELERY_BROKER_URL the process
refuses to start, as without EMAIL_URL, and /readyz reports tasks run eagerly under
production settings as a failing broker. ``make run`` (the development settings, no
broker) still runs them eagerly."""

import pytest
from django.test import override_settings

from tests.ops.conftest import manage, production_env
from tests.ops.test_settings import show


@pytest.mark.parametrize("value", [None, "", "  "])
def test_production_refuses_to_start_without_a_broker(value):

    result = manage("check", env=production_env(CELERY_BROKER_URL=value, COGWG_READ_DOT_ENV="false"))

    assert result.returncode != 0
    assert "Set the CELERY_BROKER_URL environment variable" in result.stderr


def test_production_never_runs_a_task_eagerly():
    env = production_env(CELERY_BROKER_URL="redis://redis:6379/0")

    assert show("[s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER, s.COGWG_REQUIRE_BROKER]", env) == [
        "redis://redis:6379/0",
        False,
        True,
    ]


def test_the_development_settings_run_tasks_eagerly_without_a_broker():
    env = {
        **production_env(CELERY_BROKER_URL=None, COGWG_READ_DOT_ENV="false"),
        "DJANGO_SETTINGS_MODULE": "cogwg.settings.local",
    }

    assert show("[s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER, s.COGWG_REQUIRE_BROKER]", env) == ["", True, False]


@pytest.mark.django_db
def test_readyz_reports_tasks_run_eagerly_where_a_broker_is_required(client):
    with override_settings(CELERY_TASK_ALWAYS_EAGER=True, CELERY_BROKER_URL="", COGWG_REQUIRE_BROKER=True):
        response = client.get("/readyz")

    assert response.status_code == 503
    broker = response.json()["checks"]["broker"]
    assert broker["ok"] is False
    assert broker["error"] == "BrokerNotUsed: tasks run eagerly in the web process: set CELERY_BROKER_URL"


@pytest.mark.django_db
def test_readyz_accepts_tasks_run_eagerly_where_no_broker_is_required(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["broker"]["detail"] == "not configured (eager)"
