"""Sessions and sign-in settings."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_is_guarded_by_axes_before_any_password_check():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert (settings.AXES_FAILURE_LIMIT, settings.AXES_LOCKOUT_PARAMETERS) == (5, [["username", "ip_address"]])
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert "django_otp.middleware.OTPMiddleware" in settings.MIDDLEWARE


def test_the_session_cookie_is_out_of_scripts_and_other_sites_reach_and_ends_with_the_browser(client, staff):
    response = client.post(reverse("admin:login"), {"username": "secretariat", "password": PASSWORD, "next": "/en/"})

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
