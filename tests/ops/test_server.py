"""The production settings under gunicorn (deploy/gunicorn.conf.py), as a real client
sees them: security headers on every response, hashed static files, JSON logs with the
request id; and a real PostgreSQL going away and coming back."""

import json
import time

import psycopg2
import pytest
from psycopg2 import sql

from tests.conftest import port_open, skip_or_fail
from tests.ops.conftest import TcpProxy

SECURITY_HEADERS = {
    "strict-transport-security": "max-age=31536000; includeSubDomains; preload",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


def assert_security_headers(response, *, framing=True):
    # X-Frame-Options only means something on a document; CSP frame-ancestors covers all.
    for name, value in SECURITY_HEADERS.items():
        if framing or name != "x-frame-options":
            assert response.header(name) == value, name
    csp = response.header("content-security-policy")
    assert "'unsafe-inline'" not in csp
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "upgrade-insecure-requests" in csp


@pytest.fixture
def sqlite_server(start_server, tmp_path):
    return start_server(DATABASE_URL=f"sqlite:///{tmp_path / 'ops.sqlite3'}")


def test_security_headers_on_200_404_and_500(sqlite_server):
    ok = sqlite_server.get("/en/ops-probe/log/")
    missing = sqlite_server.get("/en/ops-probe/missing/")
    failed = sqlite_server.get("/en/ops-probe/error/")

    assert (ok.status, missing.status, failed.status) == (200, 404, 500)
    for response in (ok, missing, failed):
        assert_security_headers(response)


def test_plain_http_is_redirected_to_https_but_probes_are_not(sqlite_server):
    page = sqlite_server.get("/en/ops-probe/log/", headers={"X-Forwarded-Proto": "http"})
    probe = sqlite_server.get("/healthz", headers={"X-Forwarded-Proto": "http"})

    assert page.status == 301
    assert page.header("location") == "https://example.org/en/ops-probe/log/"
    assert probe.status == 200


def test_static_files_have_hashed_names_and_are_cached_for_ever(sqlite_server, collected_static):
    hashed = json.loads((collected_static / "staticfiles.json").read_text())["paths"]["admin/css/base.css"]

    response = sqlite_server.get(f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})

    assert response.status == 200
    assert "immutable" in response.header("cache-control")
    assert response.header("content-encoding") == "gzip"
    assert_security_headers(response, framing=False)


def test_logs_are_json_lines_carrying_the_request_id(sqlite_server):
    response = sqlite_server.get("/en/ops-probe/missing/", headers={"X-Request-ID": "ops-req-42"})
    time.sleep(0.3)  # let gunicorn flush its access line

    assert response.header("x-request-id") == "ops-req-42"
    records = [r for r in sqlite_server.log_records() if r.get("request_id") == "ops-req-42"]
    loggers = {record["logger"] for record in records}
    assert {"django.request", "gunicorn.access"} <= loggers
    access = next(r for r in records if r["logger"] == "gunicorn.access")
    assert access["status"] == 404
    assert access["path"] == "/en/ops-probe/missing/"
    assert all({"time", "level", "message"} <= set(record) for record in records)


@pytest.fixture
def postgres_database():
    if not port_open("127.0.0.1", 5432):
        skip_or_fail("PostgreSQL is not answering on 127.0.0.1:5432")
    name = "cogwg_ops_fault"
    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()
    return name


@pytest.mark.services
def test_database_outage_is_a_french_503_and_heals_by_itself(start_server, postgres_database):
    proxy = TcpProxy(target_port=5432).start()
    try:
        server = start_server(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{proxy.port}/{postgres_database}",
            DJANGO_DB_CONNECT_TIMEOUT="2",
        )
        # Given a page served with a persistent database connection,
        assert server.get("/fr/ops-probe/database/").status == 200

        # when the database goes away,
        proxy.cut()
        page = server.get("/fr/ops-probe/database/")
        again = server.get("/fr/ops-probe/database/")
        healthz = server.get("/healthz")
        readyz = server.get("/readyz")

        # then pages answer a friendly 503 in their language, never a 500,
        assert (page.status, again.status) == (503, 503)
        assert page.header("retry-after") == "30"
        assert page.header("content-language") == "fr"
        assert '<html lang="fr">' in page.body.decode()
        assert_security_headers(page)
        # the process stays alive and says it is not ready,
        assert healthz.status == 200
        assert readyz.status == 503
        assert readyz.json()["checks"]["database"]["ok"] is False

        # and once the database is back, the very next request is served again.
        proxy.restore()
        assert server.get("/fr/ops-probe/database/").status == 200
        assert server.get("/readyz").json()["checks"]["database"]["ok"] is True
        assert not [r for r in server.log_records() if r.get("status") == 500]
    finally:
        if proxy.running:
            proxy.cut()
