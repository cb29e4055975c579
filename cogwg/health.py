"""Health endpoints for the load balancer and the orchestrator, outside the language
prefixes and never cached.

- ``/healthz``: the process answers. It touches no database, cache or broker, so a
  database outage does not get healthy web processes restarted.
- ``/readyz``: the database, the cache and the broker each report ``ok``, an ``error`` and
  their latency; 200 when all are ok, 503 otherwise. With no broker configured, Celery
  runs tasks eagerly in-process (the embedded setup): that counts as ok, except under the
  production settings (``COGWG_REQUIRE_BROKER``), where it is a failure. Its ``beat``
  entry tells whether Celery beat still sends the periodic tasks (``beat_status``): for
  information only, never a 503, since the web processes serve all the same.

Beat liveness is read from the database: django-celery-beat's scheduler records each
periodic task's last run (``PeriodicTask.last_run_at``), and the sweepers run every 5
minutes. ``manage.py check_beat`` (the beat container's health check) and the admin's
index (cogwg/admin_site.py) read it too.
"""

import datetime
import logging
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.utils import timezone
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
    # Beat is read from the database: not asked again when it is down (its check says so).
    beat = beat_report() if checks["database"]["ok"] else {"status": "unknown", "detail": "the database is down"}
    body = {"status": "ok" if ready else "error", "checks": checks, "beat": beat}
    return JsonResponse(body, status=200 if ready else 503)


# Beat's heartbeat: the periodic tasks beat sends every 5 minutes (CELERY_BEAT_SCHEDULE).
BEAT_HEARTBEAT_TASKS = (
    "cogwg.notification_tasks.sweep_pending_emails",
    "cogwg.reports.tasks.sweep_pending_report_files",
)
BEAT_OK, BEAT_STALE, BEAT_NOT_USED = "ok", "stale", "not used"


@dataclass(frozen=True)
class BeatStatus:
    """Whether beat sent a sweeper lately. ``last_sweep``: when it last did (None: never);
    ``since``: what the age is counted from, the last sweep or, before beat's first one,
    beat's start (it writes its entries as it starts, the first sweep comes 5 minutes later)."""

    status: str
    max_age: datetime.timedelta
    last_sweep: datetime.datetime | None = None
    since: datetime.datetime | None = None
    age: datetime.timedelta | None = None
    detail: str = ""

    @property
    def stale(self) -> bool:
        return self.status == BEAT_STALE

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "last_sweep": self.last_sweep.isoformat() if self.last_sweep else None,
            "age_seconds": round(self.age.total_seconds()) if self.age is not None else None,
            "max_age_seconds": round(self.max_age.total_seconds()),
            **({"detail": self.detail} if self.detail else {}),
        }


def beat_status(*, max_age_minutes: int | None = None) -> BeatStatus:
    """Beat's liveness, from the sweepers' last runs (one query): ``stale`` when none of
    them, enabled, was sent within ``max_age_minutes`` (``COGWG_BEAT_MAX_AGE_MINUTES``), or
    none is enabled; ``not used`` when tasks run eagerly (no broker: no beat either)."""
    from django_celery_beat.models import PeriodicTask

    if max_age_minutes is None:
        max_age_minutes = settings.COGWG_BEAT_MAX_AGE_MINUTES
    max_age = datetime.timedelta(minutes=max_age_minutes)
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) or not getattr(settings, "CELERY_BROKER_URL", ""):
        return BeatStatus(BEAT_NOT_USED, max_age, detail="tasks run eagerly: no beat")
    rows = list(
        PeriodicTask.objects.filter(task__in=BEAT_HEARTBEAT_TASKS, enabled=True).values_list(
            "last_run_at", "date_changed"
        )
    )
    if not rows:
        return BeatStatus(BEAT_STALE, max_age, detail="no sweeper is enabled: beat never started here, or they are off")
    last_sweep = max((last for last, _ in rows if last), default=None)
    since = last_sweep or max(changed for _, changed in rows)
    age = max(timezone.now() - since, datetime.timedelta(0))
    status = BEAT_OK if age <= max_age else BEAT_STALE
    detail = "" if last_sweep else "no sweep yet since beat started"
    return BeatStatus(status, max_age, last_sweep, since, age, detail)


def beat_report() -> dict:
    """``beat_status()`` as /readyz shows it; a failure to read it (the database down,
    which its own check reports) is ``unknown``, never an error of the page."""
    try:
        return beat_status().as_dict()
    except Exception as exc:  # informational: whatever fails here, /readyz still answers
        logger.warning("beat status unknown: %s", exc)
        return {"status": "unknown", "error": f"{type(exc).__name__}: {exc}"}
