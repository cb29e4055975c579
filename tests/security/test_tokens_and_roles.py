"""API tokens and roles: a token is issued anew at each request and ends the previous one,
lasts COGWG_API_TOKEN_HOURS, ends with a new password or a removed authenticator, and its
issue is a sign-in; the endpoint answers every failure alike. A role is held by active
staff in the role's group: an account whose staff status or group is taken away keeps no
draft in sight and no right to write."""

import datetime
import importlib
import logging

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.urls import Resolver404, resolve
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cogwg.choices import PublicationState
from cogwg.permissions import CONTRIBUTOR, roles_sync
from tests.factories import AccomplishmentFactory, ContributorFactory, JurisdictionFactory, UserFactory
from tests.security.conftest import PASSWORD, current_token

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
REFUSED = (
    "Unable to log in with the credentials given. A staff account also needs the one-time password of its "
    "authenticator app (otp_token)."
)


def token_for(client, username="secretariat", **extra):
    response = client.post(TOKEN_URL, {"username": username, "password": PASSWORD, **extra})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def authenticated(key) -> bool:
    return with_token(key).get("/api/v1/status-reports/?state=draft").status_code == 200


def test_each_request_issues_a_new_token_and_ends_the_previous_one(api_client, staff):
    first = token_for(api_client)
    second = token_for(api_client)

    assert first != second
    assert with_token(first).get("/api/v1/work-plans/").status_code == 401
    assert with_token(second).get("/api/v1/work-plans/").status_code == 200
    assert list(Token.objects.filter(user=staff).values_list("key", flat=True)) == [second]


@override_settings(COGWG_API_TOKEN_HOURS=8)
def test_a_token_ends_after_its_hours(api_client, staff):
    key = token_for(api_client)
    Token.objects.filter(key=key).update(
        created=Token.objects.get(key=key).created - datetime.timedelta(hours=8, seconds=1)
    )

    response = with_token(key).get("/api/v1/work-plans/")

    assert response.status_code == 401
    assert response.json() == {"detail": "This token has expired: ask for a new one."}
    french = with_token(key).get("/api/v1/work-plans/", HTTP_ACCEPT_LANGUAGE="fr")
    assert french.json()["detail"] != response.json()["detail"]


def test_a_new_password_ends_the_token(api_client, staff):
    key = token_for(api_client)

    staff.set_password("another-long-passphrase-1")
    staff.save()

    assert not Token.objects.filter(key=key).exists()
    assert with_token(key).get("/api/v1/work-plans/").status_code == 401


def test_saving_the_user_without_a_new_password_keeps_the_token(api_client, staff):
    key = token_for(api_client)

    staff.first_name = "Sam"
    staff.save()

    assert Token.objects.filter(key=key).exists()


@override_settings(COGWG_REQUIRE_STAFF_OTP=True)
def test_removing_the_authenticator_ends_the_token(api_client, staff, otp_device):
    key = token_for(api_client, otp_token=current_token(otp_device))

    otp_device.delete()

    assert not Token.objects.filter(key=key).exists()


def test_a_token_is_a_sign_in(api_client, staff, caplog):
    with caplog.at_level(logging.INFO, logger="cogwg.security"):
        token_for(api_client)

    staff.refresh_from_db()
    assert staff.last_login is not None
    assert any(record.getMessage().startswith("login: secretariat") for record in caplog.records)


@override_settings(COGWG_REQUIRE_STAFF_OTP=True)
def test_the_endpoint_does_not_tell_a_right_password_without_its_code_from_a_wrong_one(api_client, staff, otp_device):
    wrong_password = api_client.post(TOKEN_URL, {"username": "secretariat", "password": "wrong-horse"})
    no_code = api_client.post(TOKEN_URL, {"username": "secretariat", "password": PASSWORD})

    assert wrong_password.status_code == no_code.status_code == 400
    assert wrong_password.json() == no_code.json() == {"non_field_errors": [REFUSED]}


# Roles


@pytest.fixture
def ontario():
    roles_sync()
    ontario = JurisdictionFactory(code="ON")
    AccomplishmentFactory(jurisdiction=ontario, title_en="Ontario draft", publication_state=PublicationState.DRAFT)
    return ontario


def contributor(ontario, *, staff=True, in_group=True):
    user = UserFactory(username="carol", is_staff=staff)
    if in_group:
        user.groups.add(Group.objects.get(name=CONTRIBUTOR))
    ContributorFactory(user=user, jurisdiction=ontario)
    client = APIClient()
    client.force_authenticate(user)
    return client


def draft_titles(client):
    response = client.get("/api/v1/accomplishments/", {"jurisdiction": "ON", "publication_state": "draft"})
    return [item["title"] for item in response.json().get("results", [])] if response.status_code == 200 else []


def new_accomplishment(client):
    data = {"jurisdiction": "ON", "title_en": "x", "date": "2020-05-01", "category": "other"}
    return client.post("/api/v1/accomplishments/", data, format="json").status_code


def test_a_contributor_sees_their_jurisdictions_drafts_and_writes(ontario):
    client = contributor(ontario)

    assert draft_titles(client) == ["Ontario draft"]
    assert new_accomplishment(client) == 201


@pytest.mark.parametrize(("staff", "in_group"), [(False, True), (True, False)], ids=["not staff", "not in the group"])
def test_without_staff_status_or_the_group_a_contributor_sees_no_draft_and_writes_nothing(ontario, staff, in_group):
    client = contributor(ontario, staff=staff, in_group=in_group)

    assert draft_titles(client) == []
    assert new_accomplishment(client) == 403


# Report files


def test_report_files_are_not_served_as_media_even_under_debug(settings):
    """Only the download view, which checks who may read a report, serves its files (make
    run's DEBUG used to serve MEDIA_ROOT, unpublished reports' files included)."""
    import cogwg.urls

    settings.DEBUG = True
    try:
        urls = importlib.reload(cogwg.urls)
        with pytest.raises(Resolver404):
            resolve("/media/reports/status-report-2020-02-27-en.pdf", urlconf=urls)
    finally:
        settings.DEBUG = False
        importlib.reload(cogwg.urls)


# The endpoint's answers


@override_settings(COGWG_API_TOKEN_HOURS=8)
def test_a_token_says_when_it_ends_and_no_answer_is_stored(api_client, staff):
    issued = api_client.post(TOKEN_URL, {"username": "secretariat", "password": PASSWORD})
    refused = api_client.post(TOKEN_URL, {"username": "secretariat", "password": "wrong"})

    token = Token.objects.get(user=staff)
    assert issued.json() == {
        "token": token.key,
        "expires": (token.created + datetime.timedelta(hours=8)).isoformat(),
    }
    for response in (issued, refused):
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
    assert "sessionid" not in issued.cookies


def test_an_unreadable_body_is_refused_in_the_readers_language(api_client, staff):
    response = api_client.post(TOKEN_URL, data="{x", content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    assert "JSON parse error" not in response.json()["detail"]
    assert response["Content-Language"] == "fr"
