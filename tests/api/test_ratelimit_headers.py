"""Every answer the throttle counts tells the anonymous reader its quota, as
draft-ietf-httpapi-ratelimit-headers has it: ``RateLimit-Policy: "anon";q=…;w=…`` and
``RateLimit: "anon";r=…;t=…``. Computed answers, early 304s and kept answers alike, 429s
with their Retry-After; answers the throttle does not count carry neither."""

import re

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from cogwg.api.throttling import AnonWindowRateThrottle
from cogwg.cache import ResilientRedisCache
from tests import factories
from tests.api.conftest import redis_round_trips

pytestmark = pytest.mark.django_db

POLICY = '"anon";q=5;w=60'
RATE_LIMIT = re.compile(r'"anon";r=(\d+);t=(\d+)')
HEADERS = ("RateLimit-Policy", "RateLimit")


@pytest.fixture
def five_per_minute(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "5/min", raising=False)


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, set by the test: ``clock.now = …``."""

    class Clock:
        now = 600.0  # the start of a window of 60 seconds

    monkeypatch.setattr(AnonWindowRateThrottle, "timer", staticmethod(lambda: Clock.now))
    return Clock


@pytest.fixture
def milestone():
    return factories.MilestoneFactory()


def left(response):
    """(r, t) of the response's RateLimit."""
    remaining, reset = RATE_LIMIT.fullmatch(response["RateLimit"]).groups()
    return int(remaining), int(reset)


def test_each_kind_of_answer_counts_down_the_quota(api, milestone, five_per_minute, clock):
    path = "/api/v1/milestones/"
    computed = api.get(path)
    clock.now += 10
    kept = api.get(path)
    early_304 = api.get(path, HTTP_IF_NONE_MATCH=computed["ETag"])
    drf_304 = api.get(path, HTTP_IF_NONE_MATCH=computed["ETag"], HTTP_COOKIE="sessionid=none")
    clock.now += 20.5
    last = api.get(f"{path}?status=not_started")

    answers = [computed, kept, early_304, drf_304, last]
    assert [response.status_code for response in answers] == [200, 200, 304, 304, 200]
    assert [left(response) for response in answers] == [(4, 60), (3, 50), (2, 50), (1, 50), (0, 30)]
    assert {response["RateLimit-Policy"] for response in answers} == {POLICY}


def test_a_throttled_reader_gets_429_with_retry_after_and_nothing_left(api, milestone, five_per_minute, clock):
    for _request in range(5):
        api.get("/api/v1/milestones/")
    clock.now += 15.2

    over = api.get("/api/v1/milestones/")
    over_with_etag = api.get("/api/v1/milestones/", HTTP_IF_NONE_MATCH='"stale"')

    for response in (over, over_with_etag):
        assert response.status_code == 429
        assert response["RateLimit-Policy"] == POLICY
        assert left(response) == (0, 45)
        assert response["Retry-After"] == "45"


def test_a_new_window_starts_the_count_again(api, milestone, five_per_minute, clock):
    clock.now = 659.5  # half a second before the window's end
    for _request in range(5):
        api.get("/api/v1/milestones/")
    at_the_end = api.get("/api/v1/milestones/")

    clock.now = 660.25
    next_window = api.get("/api/v1/milestones/")
    clock.now = 661
    then = api.get("/api/v1/milestones/")

    assert (at_the_end.status_code, left(at_the_end)) == (429, (0, 1))
    assert (next_window.status_code, left(next_window)) == (200, (4, 60))
    assert left(then) == (3, 59)


def test_each_address_has_its_own_count(api, milestone, five_per_minute):
    api.get("/api/v1/milestones/")
    api.get("/api/v1/milestones/")

    other = api.get("/api/v1/milestones/", REMOTE_ADDR="10.0.0.2")

    assert left(other)[0] == 4


def test_a_kept_answer_carries_its_own_reader_s_count_not_its_first_one(api, milestone, five_per_minute):
    first = api.get("/api/v1/work-plans/")
    kept = api.get("/api/v1/work-plans/")

    assert kept.content == first.content
    assert (left(first)[0], left(kept)[0]) == (4, 3)


def test_uncounted_a_kept_answer_drops_the_count_it_was_kept_with(api, milestone, monkeypatch):
    # While the cache cannot count (an outage), nothing is known to tell.
    first = api.get("/api/v1/milestones/")
    monkeypatch.setattr(AnonWindowRateThrottle, "count", lambda self, key, request=None: 0)

    with CaptureQueriesContext(connection) as queries:
        kept = api.get("/api/v1/milestones/")
    revalidated = api.get("/api/v1/milestones/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert "RateLimit" in first
    assert (kept.status_code, revalidated.status_code) == (200, 304)
    assert queries.captured_queries == []  # the kept answer indeed
    for response in (kept, revalidated):
        assert [name for name in HEADERS if name in response] == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/",
        "/api/v1/schema/",
        "/api/v1/work-plans/{plan}/status/",
        "/api/v1/milestones/{milestone}/",
    ],
)
def test_other_counted_answers_carry_them_too(api, milestone, five_per_minute, path):
    path = path.format(plan=milestone.priority.work_plan.slug, milestone=milestone.pk)

    response = api.get(path)

    assert response.status_code == 200
    assert response["RateLimit-Policy"] == POLICY
    assert left(response)[0] == 4


def test_an_error_the_throttle_counted_carries_them(api, milestone, five_per_minute):
    not_found = api.get("/api/v1/milestones/999999/")
    bad_filter = api.get("/api/v1/milestones/?status=finished")

    assert (not_found.status_code, bad_filter.status_code) == (404, 400)
    assert [left(not_found)[0], left(bad_filter)[0]] == [4, 3]


def test_authenticated_readers_are_not_throttled_and_get_none(staff, staff_api, milestone, five_per_minute):
    token = Token.objects.create(user=staff)
    with_token = APIClient()
    with_token.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    answers = [staff_api.get("/api/v1/milestones/") for _request in range(6)]
    answers += [with_token.get("/api/v1/milestones/") for _request in range(6)]

    assert {response.status_code for response in answers} == {200}
    assert [response for response in answers if any(name in response for name in HEADERS)] == []


def test_answers_the_throttle_does_not_count_carry_none(api, staff, milestone, five_per_minute):
    bad_language = api.get("/api/v1/milestones/?lang=de")  # refused before the throttle
    bad_token = api.get("/api/v1/milestones/", HTTP_AUTHORIZATION="Token nonsense")
    token = api.post("/api/v1/auth/token/", {"username": "secretariat", "password": "wrong"})
    unknown_address = api.get("/api/v1/nowhere/")  # the API's 404 view, which counts nothing

    assert [r.status_code for r in (bad_language, bad_token, token, unknown_address)] == [400, 401, 400, 404]
    for response in (bad_language, bad_token, token, unknown_address):
        assert [name for name in HEADERS if name in response] == []
    # Nothing of those was counted: the next anonymous read is the address's first.
    assert left(api.get("/api/v1/milestones/"))[0] == 4


def test_browsers_on_other_sites_may_read_them(api, milestone):
    response = api.get("/api/v1/milestones/", HTTP_ORIGIN="https://dashboard.example.org")

    exposed = [name.strip() for name in response["Access-Control-Expose-Headers"].split(",")]
    assert {"RateLimit-Policy", "RateLimit", "Retry-After"} <= set(exposed)
    assert "RateLimit" in response


def test_the_default_policy_follows_the_configured_rate(api, milestone, settings):
    response = api.get("/api/v1/milestones/")

    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"] == "1200/hour"
    assert response["RateLimit-Policy"] == '"anon";q=1200;w=3600'
    assert left(response)[0] == 1199


@pytest.mark.services
def test_on_redis_the_count_comes_with_the_same_one_round_trip(
    api, milestone, redis_cache, five_per_minute, monkeypatch
):
    address = "2001:db8::1"
    first = api.get("/api/v1/milestones/", REMOTE_ADDR=address)
    trips = redis_round_trips(monkeypatch)

    again = api.get("/api/v1/milestones/", REMOTE_ADDR=address, HTTP_IF_NONE_MATCH=first["ETag"])
    kept = api.get("/api/v1/milestones/", REMOTE_ADDR=address)

    assert isinstance(AnonWindowRateThrottle().cache, ResilientRedisCache)
    assert (first.status_code, again.status_code, kept.status_code) == (200, 304, 200)
    assert [left(response)[0] for response in (first, again, kept)] == [4, 3, 2]
    assert 0 < left(again)[1] <= 60
    # One for the 304 (the count and the data version); the kept answer, from this process.
    assert len(trips) == 2


# The OpenAPI description


@pytest.fixture
def schema(api):
    return yaml.safe_load(api.get("/api/v1/schema/").content)


def test_every_read_s_answers_describe_them_and_the_429_its_retry_after(schema):
    headers = schema["components"]["headers"]
    reads = [operations["get"] for operations in schema["paths"].values() if "get" in operations]
    writes = [op for operations in schema["paths"].values() for method, op in operations.items() if method != "get"]

    assert headers["RateLimit-Policy"]["example"] == '"anon";q=1200;w=3600'
    assert headers["RateLimit"]["example"] == '"anon";r=1199;t=3600'
    assert headers["Retry-After"]["schema"] == {"type": "integer"}
    assert len(reads) > 20
    for operation in reads:
        for code, response in operation["responses"].items():
            assert {"RateLimit-Policy", "RateLimit"} <= set(response["headers"]), (operation["operationId"], code)
        assert response_headers(operation, "429") == {"RateLimit-Policy", "RateLimit", "Retry-After"}
        assert response_headers(operation, "304") == {"ETag", "RateLimit-Policy", "RateLimit"}
    assert writes
    assert [
        op["operationId"] for op in writes if any("RateLimit" in r.get("headers", {}) for r in op["responses"].values())
    ] == []


def response_headers(operation, code):
    return set(operation["responses"][code]["headers"])


def test_the_api_description_explains_them_and_the_token_s_end(schema):
    description = schema["info"]["description"]

    assert 'RateLimit-Policy: "anon";q=1200;w=3600' in description
    assert "`RateLimit: " in description
    assert "DELETE /api/v1/auth/token/" in description
    assert "DELETE /api/v1/auth/token/" in schema["components"]["securitySchemes"]["tokenAuth"]["description"]
