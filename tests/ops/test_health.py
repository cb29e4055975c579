"""/healthz (the process answers) and /readyz (database, cache and broker)."""

import pytest
from django.db import OperationalError, connections

from tests.conftest import port_open
from tests.ops.conftest import closed_port

pytestmark = pytest.mark.django_db


def unreachable_redis_cache():
    return {
        "default": {"BACKEND": "cogwg.cache.ResilientRedisCache", "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}
    }


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_while_the_database_is_down(client, monkeypatch):
    monkeypatch.setattr(connections["default"], "cursor", _refused)

    response = client.get("/healthz")

    assert response.status_code == 200


def test_readyz_reports_each_dependency_ok(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["broker"]["detail"] == "not configured (eager)"
    assert all(check["latency_ms"] >= 0 for check in body["checks"].values())


def _refused(*args, **kwargs):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def test_readyz_is_503_when_the_database_is_down(client, monkeypatch):
    monkeypatch.setattr(connections["default"], "cursor", _refused)

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"]["ok"] is False
    assert "OperationalError" in body["checks"]["database"]["error"]
    assert body["checks"]["cache"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True


def test_readyz_is_503_when_the_cache_is_down(client, settings):
    settings.CACHES = unreachable_redis_cache()

    response = client.get("/readyz")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"]["ok"] is False
    assert checks["database"]["ok"] is True


def test_readyz_is_503_when_the_broker_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"

    response = client.get("/readyz")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["broker"]["ok"] is False
    assert checks["broker"]["error"].startswith("OperationalError: ")


@pytest.mark.services
def test_readyz_reaches_a_real_redis_broker_and_cache(client, settings, require_redis):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    settings.CACHES = {
        "default": {"BACKEND": "cogwg.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:6379/15"}
    }
    assert port_open("127.0.0.1", 6379)

    response = client.get("/readyz")

    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert checks["broker"] == {"ok": True, "latency_ms": checks["broker"]["latency_ms"]}
    assert checks["cache"]["ok"] is True
