"""A client ends its own API token: DELETE /api/v1/auth/token/ with the token itself answers
204, and from then on the token is refused (401) like any unknown one, a second DELETE
included. It is a sign-out: logged as the sign-in is, and its sign-in's access log entry
gets its logout time. No answer is stored, and none leaves a session behind."""

import datetime
import logging

import pytest
from axes.models import AccessLog
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cogwg.api.authentication import ExpiringTokenAuthentication
from tests.factories import StaffFactory, UserFactory
from tests.security.conftest import PASSWORD
from tests.security.test_tokens_and_roles import TOKEN_URL, authenticated, token_for, with_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="cogwg.security")
    return lambda: [
        (record.levelname, record.getMessage(), record.event)
        for record in caplog.records
        if record.name == "cogwg.security"
    ]


def test_a_client_ends_its_token(api_client, staff):
    key = token_for(api_client)
    assert authenticated(key)

    response = with_token(key).delete(TOKEN_URL)

    assert response.status_code == 204
    assert response.content == b""
    assert not Token.objects.filter(key=key).exists()
    assert not authenticated(key)
    assert with_token(key).get("/api/v1/work-plans/").status_code == 401


def test_ending_a_token_leaves_the_other_users_tokens_working(api_client, staff):
    other = UserFactory(username="ontario")
    other_key = token_for(APIClient(), username="ontario")
    key = token_for(api_client)

    with_token(key).delete(TOKEN_URL)

    assert list(Token.objects.values_list("user__username", flat=True)) == [other.username]
    assert with_token(other_key).get("/api/v1/work-plans/").status_code == 200


def test_a_second_delete_is_refused_like_any_unknown_token(api_client, staff):
    key = token_for(api_client)
    with_token(key).delete(TOKEN_URL)

    again = with_token(key).delete(TOKEN_URL)
    unknown = with_token("0" * 40).delete(TOKEN_URL)

    assert again.status_code == unknown.status_code == 401
    assert again.json() == unknown.json() == {"detail": "Invalid token."}
    assert again["WWW-Authenticate"] == "Token"
    assert Token.objects.count() == 0


@pytest.mark.parametrize(
    "client_of",
    [lambda user: APIClient(), lambda user: session_client(user)],
    ids=["no credentials", "a session"],
)
def test_only_the_token_itself_ends_it(api_client, staff, client_of):
    key = token_for(api_client)

    response = client_of(staff).delete(TOKEN_URL)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"] == "Token"
    assert Token.objects.filter(key=key).exists()


def session_client(user):
    client = APIClient()
    client.force_login(user)
    return client


@override_settings(COGWG_API_TOKEN_HOURS=8)
def test_an_expired_token_is_refused_as_it_is_anywhere(api_client, staff):
    key = token_for(api_client)
    Token.objects.filter(key=key).update(created=Token.objects.get(key=key).created - datetime.timedelta(hours=9))

    response = with_token(key).delete(TOKEN_URL)

    assert response.status_code == 401
    assert response.json() == {"detail": "This token has expired: ask for a new one."}


def test_a_token_ended_by_another_request_meanwhile_is_refused(api_client, staff, monkeypatch, security_log):
    # Two DELETEs of one token at once: the one that finds it gone says so, as a 401.
    key = token_for(api_client)
    authenticate = ExpiringTokenAuthentication.authenticate_credentials

    def then_ended_elsewhere(self, key):
        user, token = authenticate(self, key)
        Token.objects.filter(key=key).delete()
        return user, token

    monkeypatch.setattr(ExpiringTokenAuthentication, "authenticate_credentials", then_ended_elsewhere)
    response = with_token(key).delete(TOKEN_URL)

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
    assert [event for _level, _message, event in security_log()] == ["login", "permission_refused"]


def test_no_answer_is_stored_and_no_session_is_left(api_client, staff):
    key = token_for(api_client)
    sessions = Session.objects.count()

    ended = with_token(key).delete(TOKEN_URL)
    refused = with_token(key).delete(TOKEN_URL)

    assert (ended.status_code, refused.status_code) == (204, 401)
    for response in (ended, refused):
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
        assert "sessionid" not in response.cookies
    assert Session.objects.count() == sessions


def test_ending_a_token_is_a_sign_out_in_the_security_log(api_client, staff, security_log):
    key = token_for(api_client)

    with_token(key).delete(TOKEN_URL)

    assert security_log()[-1] == ("INFO", "logout: secretariat from 127.0.0.1 (API token ended)", "logout")
    assert [event for _level, _message, event in security_log()] == ["login", "logout"]


def test_a_refused_delete_is_no_sign_out(api_client, staff, security_log):
    key = token_for(api_client)
    with_token(key).delete(TOKEN_URL)

    with_token(key).delete(TOKEN_URL)

    assert [event for _level, _message, event in security_log()] == ["login", "logout", "permission_refused"]


def test_the_sign_out_closes_the_token_s_entry_in_the_access_log(api_client, staff, client):
    client.post(reverse("admin:login"), {"username": "secretariat", "password": PASSWORD})  # an admin session
    token_for(api_client)  # an earlier token, ended when the next one was issued
    key = token_for(api_client)
    entries = list(AccessLog.objects.order_by("attempt_time").values_list("pk", "path_info"))
    assert [path for _pk, path in entries] == [reverse("admin:login"), TOKEN_URL, TOKEN_URL]

    with_token(key).delete(TOKEN_URL)

    closed = dict(AccessLog.objects.values_list("pk", "logout_time"))
    assert closed[entries[2][0]] is not None
    assert closed[entries[0][0]] is None
    assert closed[entries[1][0]] is None


@pytest.mark.parametrize("asked", [{"HTTP_ACCEPT_LANGUAGE": "fr"}, {"QUERY_STRING": "lang=fr"}], ids=str)
def test_a_refusal_is_in_the_reader_s_language(api_client, staff, asked):
    english = with_token("0" * 40).delete(TOKEN_URL)

    french = with_token("0" * 40).delete(TOKEN_URL, **asked)

    assert french.status_code == 401
    assert french.json()["detail"] != english.json()["detail"]
    assert french["Content-Language"] == "fr"


def test_an_unknown_language_is_refused_by_name(api_client, staff):
    key = token_for(api_client)

    response = with_token(key).delete(f"{TOKEN_URL}?lang=de")

    assert response.status_code == 400
    assert list(response.json()) == ["lang"]
    assert Token.objects.filter(key=key).exists()


def test_the_endpoint_says_it_takes_delete(api_client):
    response = api_client.options(TOKEN_URL)

    assert response["Allow"] == "POST, DELETE, OPTIONS"


@pytest.mark.parametrize("others", [1, 30])
def test_ending_a_token_runs_the_same_queries_whatever_the_data(api_client, staff, django_assert_num_queries, others):
    for n in range(others):
        user = StaffFactory(username=f"staff{n}")
        Token.objects.create(user=user)
        AccessLog.objects.create(username="secretariat", path_info=TOKEN_URL, ip_address="127.0.0.1")
    client = with_token(token_for(api_client))

    # The token and its user; in one transaction: the token deleted, its access log entry closed.
    with django_assert_num_queries(5):
        response = client.delete(TOKEN_URL)

    assert response.status_code == 204
