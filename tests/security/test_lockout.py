"""django-axes: after 5 failed logins for a username from an address, further attempts
are refused, on the admin's login page and on the API's token endpoint, before any
password is hashed."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory
from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
OTHER_ADDRESS = "192.0.2.7"  # TEST-NET-1: a made-up client address, never contacted


def admin_login(client, password, **extra):
    return client.post(
        reverse("admin:login"), {"username": "secretariat", "password": password, "next": "/en/admin/"}, **extra
    )


def signed_in(client):
    return "_auth_user_id" in client.session


def test_the_sixth_admin_login_is_refused_without_hashing_a_password(client, staff, hashing):
    answers = [admin_login(client, "wrong password").status_code for _attempt in range(5)]

    assert answers == [200, 200, 200, 200, 429]
    assert hashing.count("verify") == 5
    hashing.clear()

    sixth = admin_login(client, PASSWORD)

    assert sixth.status_code == 429
    assert hashing == []
    assert not signed_in(client)


def test_the_lockout_holds_a_username_from_one_address_only(client, staff, hashing):
    for _attempt in range(5):
        admin_login(client, "wrong password")

    elsewhere = admin_login(client, PASSWORD, REMOTE_ADDR=OTHER_ADDRESS)

    assert elsewhere.status_code == 302
    assert signed_in(client)


def test_a_success_before_the_limit_starts_the_count_again(client, staff):
    for _attempt in range(4):
        admin_login(client, "wrong password")
    assert admin_login(client, PASSWORD).status_code == 302
    client.logout()

    answers = [admin_login(client, "wrong password").status_code for _attempt in range(4)]

    assert answers == [200, 200, 200, 200]


def test_the_sixth_token_request_is_refused_without_hashing_a_password(api_client, hashing):
    UserFactory(username="reader")
    hashing.clear()

    answers = [
        api_client.post(TOKEN_URL, {"username": "reader", "password": "wrong password"}).status_code
        for _attempt in range(5)
    ]

    assert answers == [400, 400, 400, 400, 429]
    assert hashing.count("verify") == 5
    hashing.clear()

    sixth = api_client.post(TOKEN_URL, {"username": "reader", "password": PASSWORD})

    assert sixth.status_code == 429
    assert "locked" in sixth.json()["detail"]
    assert hashing == []
    assert not Token.objects.exists()


def test_failures_on_the_token_endpoint_and_the_admin_add_up(client, api_client, staff):
    for _attempt in range(3):
        api_client.post(TOKEN_URL, {"username": "secretariat", "password": "wrong password"})
    admin_login(client, "wrong password")

    assert admin_login(client, "wrong password").status_code == 429


def test_the_token_endpoint_gives_a_token_for_the_right_password(api_client):
    user = UserFactory(username="reader")

    response = api_client.post(TOKEN_URL, {"username": "reader", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=user).key
