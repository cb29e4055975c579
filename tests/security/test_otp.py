"""The second factor (django-otp, TOTP) for staff. The suite runs with it switched off
(COGWG_REQUIRE_STAFF_OTP=False, so that tests can sign staff in with force_login); these
tests switch it on, as in production."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory
from tests.security.conftest import PASSWORD, current_token, wrong_token

pytestmark = pytest.mark.django_db

OTP_REQUIRED = override_settings(COGWG_REQUIRE_STAFF_OTP=True)
TOKEN_URL = "/api/v1/auth/token/"


def login_data(**fields):
    return {"username": "secretariat", "password": PASSWORD, "next": "/en/admin/", **fields}


@OTP_REQUIRED
def test_staff_signed_in_without_a_second_factor_are_sent_to_the_login_page(staff_client):
    response = staff_client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@OTP_REQUIRED
def test_staff_verified_by_their_device_get_in(verified_staff_client):
    response = verified_staff_client.get(reverse("admin:index"))

    assert response.status_code == 200


def test_without_the_requirement_a_password_is_enough(staff_client):
    assert staff_client.get(reverse("admin:index")).status_code == 200


@OTP_REQUIRED
def test_the_login_page_asks_for_the_one_time_password(client):
    response = client.get(reverse("admin:login"))

    assert 'name="otp_token"' in response.content.decode()


@OTP_REQUIRED
def test_a_right_password_with_a_wrong_code_does_not_sign_in(client, staff, otp_device):
    response = client.post(reverse("admin:login"), login_data(otp_token=wrong_token(otp_device)))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


@OTP_REQUIRED
def test_a_right_password_without_a_code_does_not_sign_in(client, staff, otp_device):
    response = client.post(reverse("admin:login"), login_data())

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@OTP_REQUIRED
def test_the_password_and_the_code_sign_in_and_verify(client, staff, otp_device):
    response = client.post(reverse("admin:login"), login_data(otp_token=current_token(otp_device)))

    assert response.status_code == 302
    assert client.session[DEVICE_ID_SESSION_KEY] == otp_device.persistent_id
    assert client.get(reverse("admin:index")).status_code == 200


@OTP_REQUIRED
def test_staff_without_any_device_cannot_sign_in(client, staff):
    response = client.post(reverse("admin:login"), login_data(otp_token="123456"))

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@OTP_REQUIRED
def test_the_token_endpoint_refuses_staff_a_wrong_code(api_client, staff, otp_device):
    response = api_client.post(
        TOKEN_URL, {"username": "secretariat", "password": PASSWORD, "otp_token": wrong_token(otp_device)}
    )

    assert response.status_code == 400
    assert not Token.objects.exists()


@OTP_REQUIRED
def test_the_token_endpoint_asks_staff_for_their_code(api_client, staff, otp_device):
    without = api_client.post(TOKEN_URL, {"username": "secretariat", "password": PASSWORD})

    assert without.status_code == 400
    assert "one-time password" in without.json()["non_field_errors"][0]
    assert not Token.objects.exists()

    right = api_client.post(
        TOKEN_URL, {"username": "secretariat", "password": PASSWORD, "otp_token": current_token(otp_device)}
    )

    assert right.status_code == 200
    assert right.json()["token"] == Token.objects.get(user=staff).key


@OTP_REQUIRED
def test_the_token_endpoint_asks_no_code_of_other_accounts(api_client):
    UserFactory(username="reader")

    response = api_client.post(TOKEN_URL, {"username": "reader", "password": PASSWORD})

    assert response.status_code == 200


def test_the_command_gives_a_staff_account_its_device(staff, capsys):
    from django.core.management import call_command

    call_command("add_totp_device", "secretariat")

    out = capsys.readouterr().out
    assert "otpauth://totp/COGWG%20Tracker%3Asecretariat?secret=" in out
    assert staff.totpdevice_set.get().confirmed
