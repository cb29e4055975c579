"""Request ids, the friendly 503 of a database outage, and the security headers every
response carries (cogwg/middleware.py, django-csp, SecurityMiddleware)."""

import logging
import re

import pytest
from django.db import OperationalError, connections
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from cogwg.logging import RequestIdFilter

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.ops.probe_urls")]

UNAVAILABLE = "Service temporarily unavailable"


@pytest.fixture
def failing_client():
    """A client that gets the 500 page instead of the exception."""
    return Client(raise_request_exception=False)


@pytest.fixture
def database_down(monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr(connections["default"], "cursor", refused)


class Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.addFilter(RequestIdFilter())
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def records():
    handler = Records()
    logging.getLogger().addHandler(handler)
    yield handler.records
    logging.getLogger().removeHandler(handler)


# Request id


def test_each_response_carries_a_new_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_a_request_id_from_the_proxy_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "nginx-7f3a9c"})

    assert response["X-Request-ID"] == "nginx-7f3a9c"


@pytest.mark.parametrize("forged", ["a b", "x" * 200, "id\nINFO forged log line", "<script>"])
def test_a_request_id_that_is_not_a_plain_token_is_replaced(client, forged):
    response = client.get("/healthz", headers={"X-Request-ID": forged})

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_log_records_made_during_a_request_carry_its_id(client, records):
    client.get("/en/ops-probe/log/", headers={"X-Request-ID": "req-123"})

    [record] = [r for r in records if r.name == "tests.ops.probe"]
    assert record.request_id == "req-123"


def test_django_request_records_logged_after_the_middleware_carry_the_id(client, records):
    response = client.get("/en/ops-probe/missing/", headers={"X-Request-ID": "req-404"})

    assert response.status_code == 404
    [record] = [r for r in records if r.name == "django.request"]
    assert record.request_id == "req-404"


def test_records_outside_a_request_have_a_placeholder_id(records):
    logging.getLogger("tests.ops.probe").warning("no request here")

    assert records[-1].request_id == "-"


# Database unavailable: 503, never 500


def test_database_outage_answers_503_in_french_under_fr(client, database_down):
    response = client.get("/fr/ops-probe/database/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Language"] == "fr"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert '<html lang="fr">' in html
    with translation.override("fr"):
        assert gettext(UNAVAILABLE) in html


def test_database_outage_answers_503_in_english_under_en(client, database_down):
    response = client.get("/en/ops-probe/database/")

    assert response.status_code == 503
    assert '<html lang="en">' in response.content.decode()
    assert UNAVAILABLE in response.content.decode()


def test_the_503_page_makes_no_query(client, database_down, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/fr/ops-probe/database/")

    assert response.status_code == 503


def test_database_outage_answers_json_to_api_clients(client, database_down):
    response = client.get("/fr/ops-probe/database/", headers={"Accept": "application/json"})

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert set(response.json()) == {"detail"}


def test_database_error_raised_by_a_middleware_is_a_503_too(failing_client, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.ops.probe_urls.DatabaseDownMiddleware"]

    response = failing_client.get("/fr/ops-probe/log/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert '<html lang="fr">' in response.content.decode()


def test_other_errors_stay_500(failing_client):
    response = failing_client.get("/en/ops-probe/error/")

    assert response.status_code == 500
    assert "Retry-After" not in response


def test_pages_answer_again_once_the_database_is_back(client, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("Connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connections["default"], "cursor", refused)
        assert client.get("/en/ops-probe/database/").status_code == 503

    response = client.get("/en/ops-probe/database/")

    assert response.status_code == 200


# Security headers on every response, errors included


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    ("path", "status"), [("/en/ops-probe/log/", 200), ("/en/ops-probe/missing/", 404), ("/en/ops-probe/error/", 500)]
)
def test_security_headers_on_every_response(failing_client, path, status):
    response = failing_client.get(path)

    assert response.status_code == status
    assert_security_headers(response)


def test_security_headers_on_the_503(client, database_down):
    response = client.get("/fr/ops-probe/database/")

    assert response.status_code == 503
    assert_security_headers(response)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+=\"", re.IGNORECASE)


def assert_no_inline_code(html):
    assert not INLINE_SCRIPT.findall(html), "inline <script> is blocked by the CSP"
    assert not INLINE_STYLE.findall(html), "inline style is blocked by the CSP"
    assert not INLINE_HANDLER.findall(html), "inline event handler is blocked by the CSP"


@pytest.mark.parametrize(
    "path",
    [
        "/en/admin/",
        "/fr/admin/",
        "/en/admin/workplan/workplan/",
        "/en/admin/workplan/workplan/add/",
        "/en/admin/workplan/milestone/add/",
    ],
)
def test_the_admin_needs_no_inline_code(staff_client, path):
    response = staff_client.get(path)

    assert response.status_code == 200
    assert_security_headers(response)
    assert_no_inline_code(response.content.decode())


def test_the_admin_login_page_needs_no_inline_code(client):
    response = client.get("/en/admin/login/")

    assert response.status_code == 200
    assert_no_inline_code(response.content.decode())
