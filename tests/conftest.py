import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REQUIRE_SERVICES = os.environ.get("COGWG_REQUIRE_SERVICES") == "1"

# Fixtures shared by the suite: a fake CKAN portal and link server on 127.0.0.1.
pytest_plugins = ["tests.fakes.ckan_server"]


def skip_or_fail(reason):
    """A test that needs a missing service skips with a visible reason; in CI
    (COGWG_REQUIRE_SERVICES=1) the missing service fails the run instead."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


def port_open(host, port):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def run_on_postgresql(*arguments, database: str, passed: int, env=None):
    """Run the tests pytest's ``arguments`` select in a pytest process of their own, on a
    PostgreSQL database of their own (``database``, with the process id: pytest-django
    makes test_<name> and drops it), for tests that need PostgreSQL from a run on SQLite
    or a database nobody else uses; ``passed`` of them must pass and none be skipped."""
    if not port_open("127.0.0.1", 5432):
        skip_or_fail("PostgreSQL is not answering on 127.0.0.1:5432")
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}_{os.getpid()}",
        **(env or {}),
    }
    environment.pop("PYTEST_ADDOPTS", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", *arguments],
        cwd=Path(__file__).resolve().parent.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    assert re.search(rf"\b{passed} passed\b", result.stdout), output[-5000:]
    assert "skipped" not in result.stdout, output[-5000:]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as migrations leave it: the suite runs without them
    (``--no-migrations``), so what a migration adds beyond the models' tables is added here
    (PostgreSQL's unaccent extension, cogwg/migrations/0006_unaccent.py). SQLite's JSON
    support is probed here too: Django probes it once per process, with queries of its own
    (a savepoint, the probe, its release), in whichever test first reads JSON, and they must
    not count in that test's ``django_assert_num_queries``."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        assert connection.features.supports_json_field


@pytest.fixture(autouse=True)
def fresh_cache():
    """The cache keeps the data version and rendered pages (cogwg/versioning.py,
    cogwg/http.py); a rolled-back test sends no signal, so nothing it cached may reach the
    next test."""
    from django.core.cache import cache

    from cogwg.http import pages

    cache.clear()
    pages.clear_local()
    yield
    cache.clear()
    pages.clear_local()


@pytest.fixture(autouse=True)
def default_language():
    """A request to a French page leaves French active in the thread (LocaleMiddleware
    activates, nothing deactivates): each test starts in the default language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def require_redis():
    if not port_open("127.0.0.1", 6379):
        skip_or_fail("Redis is not answering on 127.0.0.1:6379")


@pytest.fixture
def require_chromium():
    if not shutil.which("chromium") and not os.path.exists("/usr/bin/chromium"):
        skip_or_fail("Chromium is not installed (apt-get install -y chromium)")


@pytest.fixture
def staff(db):
    from tests.factories import StaffFactory

    return StaffFactory(username="secretariat")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def staff_api(db, staff):
    """DRF's test client, authenticated as ``staff``."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(staff)
    return client


@pytest.fixture
def otp_device(staff):
    """A confirmed TOTP device (django-otp) of the ``staff`` user."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=staff, name="authenticator", confirmed=True)


@pytest.fixture
def verified_staff_client(client, staff, otp_device):
    """``staff`` signed in and verified by their second factor, as the admin's login
    leaves them: what the admin needs when COGWG_REQUIRE_STAFF_OTP is on."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(staff)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = otp_device.persistent_id
    session.save()
    return client
