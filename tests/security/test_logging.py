"""Every login, failed login, lockout and refused request is logged to "cogwg.security"."""

import logging

import pytest
from django.test import override_settings
from django.urls import reverse

from cogwg.models import LinkCheck
from cogwg.security import client_ip, username_digest
from tests.factories import UserFactory
from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="cogwg.security")
    return lambda: [
        (record.levelname, record.getMessage(), record.event)
        for record in caplog.records
        if record.name == "cogwg.security"
    ]


def admin_login(client, password):
    return client.post(reverse("admin:login"), {"username": "secretariat", "password": password, "next": "/en/"})


def test_a_login_and_a_failed_login_are_logged(client, staff, security_log):
    admin_login(client, "wrong password")
    admin_login(client, PASSWORD)

    assert security_log() == [
        # What was typed as the username of a failure is logged as its digest (test_privacy_logs.py).
        ("WARNING", f"login failed: {username_digest('secretariat')} from 127.0.0.1", "login_failed"),
        ("INFO", "login: secretariat from 127.0.0.1", "login"),
    ]


def test_a_lockout_is_logged(client, staff, security_log):
    for _attempt in range(6):
        admin_login(client, "wrong password")

    # The fifth failure locks, and so does each one after it (axes handles a failure
    # before it is logged here).
    events = [event for _level, _message, event in security_log()]
    assert events == ["login_failed"] * 4 + ["locked_out", "login_failed"] * 2
    assert ("WARNING", f"locked out: {username_digest('secretariat')} from 127.0.0.1", "locked_out") in security_log()


def test_an_anonymous_write_to_the_api_is_logged(client, security_log):
    response = client.post("/api/v1/accomplishments/", {}, content_type="application/json")

    assert response.status_code == 401
    assert security_log() == [
        (
            "WARNING",
            "permission refused (401): POST /api/v1/accomplishments/ for anonymous from 127.0.0.1",
            "permission_refused",
        )
    ]


def test_a_refused_api_write_names_the_user(client, security_log):
    client.force_login(UserFactory(username="member"))

    response = client.post("/api/v1/accomplishments/", {}, content_type="application/json")

    assert response.status_code == 403
    assert security_log()[-1] == (
        "WARNING",
        "permission refused (403): POST /api/v1/accomplishments/ for member from 127.0.0.1",
        "permission_refused",
    )


def test_an_admin_refusal_is_logged(staff_client, security_log):
    url = reverse(f"admin:cogwg_{LinkCheck._meta.model_name}_add")

    response = staff_client.get(url)

    assert response.status_code == 403
    assert security_log() == [
        ("WARNING", f"permission refused (403): GET {url} for secretariat from 127.0.0.1", "permission_refused")
    ]


def test_a_signed_in_user_the_admin_turns_away_is_logged(client, security_log):
    client.force_login(UserFactory(username="member"))

    client.get(reverse("admin:index"), follow=True)

    assert security_log()[-1][1:] == (
        f"permission refused (302): GET {reverse('admin:login')} for member from 127.0.0.1 — admin",
        "permission_refused",
    )


def test_the_client_address_is_the_one_the_nearest_proxy_saw(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.4", REMOTE_ADDR="10.0.0.2")

    assert client_ip(request) == "10.0.0.2"
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}):
        assert client_ip(request) == "198.51.100.4"


def test_a_logout_is_logged_and_a_second_one_is_not(client, staff, security_log):
    admin_login(client, PASSWORD)

    client.post(reverse("admin:logout"))
    client.post(reverse("admin:logout"))  # no longer signed in: nothing to log

    assert security_log() == [
        ("INFO", "login: secretariat from 127.0.0.1", "login"),
        ("INFO", "logout: secretariat from 127.0.0.1", "logout"),
    ]
