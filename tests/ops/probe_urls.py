"""The project's URLs plus a few probe views for the ops tests (tests/ops): a page that
needs the database, one that uses the cache, one that fails, one that logs. Used as
ROOT_URLCONF by the test server settings (tests/ops/server_settings.py) and with
``@pytest.mark.urls`` in-process."""

import logging

from django.conf.urls.i18n import i18n_patterns
from django.core.cache import cache
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.urls import path

from cogwg.urls import urlpatterns as project_urlpatterns

logger = logging.getLogger("tests.ops.probe")


def database_probe(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("database answered")


def cache_probe(request):
    value = cache.get_or_set("ops-probe", "computed", 30)
    cache.set_many({"ops-probe-a": 1, "ops-probe-b": 2})
    return HttpResponse(f"cache probe: {value}")


def failing_probe(request):
    raise RuntimeError("probe failure")


def logging_probe(request):
    logger.info("probe log line")
    return HttpResponse("logged")


class DatabaseDownMiddleware:
    """Raises the way SessionMiddleware would when saving a session with the database
    down: inside the middleware chain, not in a view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self.get_response(request)
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


urlpatterns = [
    *i18n_patterns(
        path("ops-probe/database/", database_probe),
        path("ops-probe/cache/", cache_probe),
        path("ops-probe/error/", failing_probe),
        path("ops-probe/log/", logging_probe),
        prefix_default_language=True,
    ),
    *project_urlpatterns,
]
