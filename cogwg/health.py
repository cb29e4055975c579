"""Health endpoints for the load balancer and the orchestrator, outside the language
prefixes and never cached.

- ``/healthz``: the process answers. It touches no database, cache or broker, so a
  database outage does not get healthy web processes restarted.
- ``/readyz``: the database, the cache and the broker each report ``ok``, an ``error`` and
  their latency; 200 when all are ok, 503 otherwise. With no broker configured, Celery
  runs tasks eagerly in-process (the embedded setup): that counts as ok, except under the
  production settings (``COGWG_REQUIRE_BROKER``), where it is a failure.
"""

import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


def check_database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


def check_cache():
    # A cache that swallows its errors (cogwg.cache) answers None: a value written and
    # not read back is what tells that it is down.
    key, value = f"cogwg:readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    read = cache.get(key)
    cache.delete(key)
    if read != value:
        raise ConnectionError("the cache did not return the value written to it")
    return None


class BrokerNotUsed(Exception):
    """Tasks run eagerly where a broker is required."""


def check_broker():
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) or not getattr(settings, "CELERY_BROKER_URL", ""):
        if getattr(settings, "COGWG_REQUIRE_BROKER", False):
            raise BrokerNotUsed("tasks run eagerly in the web process: set CELERY_BROKER_URL")
        return "not configured (eager)"
    from cogwg.celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_SECONDS)
    return None


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


def _run(name, check):
    started = time.perf_counter()
    try:
        detail = check()
    except Exception as exc:  # a readiness probe reports every failure, whatever it is
        logger.warning("readiness check %s failed: %s", name, exc)
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    else:
        result = {"ok": True}
        if detail:
            result["detail"] = detail
    result["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return result


@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    checks = {name: _run(name, check) for name, check in CHECKS.items()}
    ready = all(result["ok"] for result in checks.values())
    return JsonResponse({"status": "ok" if ready else "error", "checks": checks}, status=200 if ready else 503)
