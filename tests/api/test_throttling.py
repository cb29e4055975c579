"""Anonymous readers are throttled per address; staff are not."""

import pickle

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle

from cogwg.api.throttling import AnonWindowRateThrottle
from cogwg.cache import ResilientRedisCache
from tests.api.conftest import REDIS_LOCATION, RUN_KEY_PREFIX, delete_run_keys
from tests.ops.conftest import closed_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_per_minute(monkeypatch):
    # The rate is read from settings when the class is defined: set it on the class.
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/min", raising=False)


def test_anonymous_readers_are_throttled_per_address(api, two_per_minute):
    statuses = [api.get("/api/v1/jurisdictions/").status_code for _ in range(3)]
    other_address = api.get("/api/v1/jurisdictions/", REMOTE_ADDR="10.0.0.2")

    assert statuses == [200, 200, 429]
    assert other_address.status_code == 200


def test_a_forged_forwarded_for_does_not_dodge_the_throttle(api, two_per_minute):
    statuses = [api.get("/api/v1/jurisdictions/", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(3)]

    assert statuses == [200, 200, 429]


def test_staff_are_not_throttled(staff_api, two_per_minute):
    statuses = {staff_api.get("/api/v1/jurisdictions/").status_code for _ in range(3)}

    assert statuses == {200}


def test_the_default_rate_comes_from_settings(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"] == "1200/hour"
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == ["cogwg.api.throttling.AnonWindowRateThrottle"]


def test_a_throttled_reader_is_told_when_to_come_back(api, two_per_minute):
    for _ in range(2):
        api.get("/api/v1/jurisdictions/")

    response = api.get("/api/v1/jurisdictions/")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60


def test_the_throttle_keeps_one_count_per_address_whatever_the_traffic(api, two_per_minute):
    api.get("/api/v1/jurisdictions/")
    api.get("/api/v1/jurisdictions/")
    api.get("/api/v1/jurisdictions/", REMOTE_ADDR="10.0.0.2")

    counts = {key: value for key, value in cache._cache.items() if "throttle" in key}

    assert len(counts) == 2
    assert sorted(pickle.loads(value) for value in counts.values()) == [1, 2]


def throttle_answers(cache, address, times):
    answers = []
    for _ in range(times):
        request = Request(RequestFactory().get("/api/v1/jurisdictions/", REMOTE_ADDR=address))
        throttle = AnonWindowRateThrottle()
        throttle.cache = cache
        answers.append(throttle.allow_request(request, None))
    return answers


@pytest.mark.services
def test_on_redis_each_request_is_one_atomic_increment(redis_cache_backend, two_per_minute):
    answers = throttle_answers(redis_cache_backend, "2001:db8::1", 3)

    assert answers == [True, True, False]


def test_with_the_cache_unreachable_readers_are_let_through(two_per_minute):
    cache = ResilientRedisCache(f"redis://127.0.0.1:{closed_port()}/0", {})

    assert throttle_answers(cache, "198.51.100.7", 4) == [True] * 4


@pytest.mark.services
def test_through_the_api_a_redis_cache_is_counted_in_one_call(redis_cache, api, two_per_minute, monkeypatch):
    # DRF's throttle holds django.core.cache.cache, a proxy: the throttle must reach the
    # configured backend to take the one-round-trip path, never the read-and-write one.
    real_set = ResilientRedisCache.set

    def set_anything_but_a_count(self, key, *args, **kwargs):
        assert "throttle" not in key, "the throttle wrote its count with SET"
        return real_set(self, key, *args, **kwargs)

    monkeypatch.setattr(ResilientRedisCache, "set", set_anything_but_a_count)

    statuses = [api.get("/api/v1/jurisdictions/", REMOTE_ADDR="2001:db8::1").status_code for _ in range(3)]

    assert isinstance(AnonWindowRateThrottle().cache, ResilientRedisCache)
    assert statuses == [200, 200, 429]


@pytest.mark.services
def test_a_redis_server_that_lost_the_script_is_sent_it_again(redis_cache_backend, two_per_minute):
    cache = redis_cache_backend
    throttle_answers(cache, "2001:db8::1", 1)
    cache._cache.get_client(write=True).script_flush()  # as after a restart

    answers = throttle_answers(cache, "2001:db8::2", 3)

    assert answers == [True, True, False]


@pytest.mark.services
def test_on_redis_a_window_count_expires(redis_cache_backend, two_per_minute):
    cache = redis_cache_backend
    address = "2001:db8::1"
    throttle_answers(cache, address, 2)

    client = cache._cache.get_client(write=True)
    keys = [key for key in client.keys(f"{RUN_KEY_PREFIX}:*throttle*") if address.encode() in key]

    assert len(keys) == 1
    assert client.get(keys[0]) == b"2"
    assert 0 < client.ttl(keys[0]) <= 61


@pytest.mark.services
def test_on_redis_another_run_s_keys_are_neither_counted_nor_deleted(redis_cache_backend, two_per_minute):
    # Another run on the same Redis database, with the same address at its limit.
    client = redis_cache_backend._cache.get_client(write=True)
    other = ResilientRedisCache(REDIS_LOCATION, {"KEY_PREFIX": "another-run"})
    throttle_answers(other, "2001:db8::1", 3)
    others = client.keys("another-run:*")
    try:
        answers = throttle_answers(redis_cache_backend, "2001:db8::1", 3)
        delete_run_keys()

        assert answers == [True, True, False]
        assert client.keys(f"{RUN_KEY_PREFIX}:*") == []
        assert others and client.keys("another-run:*") == others
    finally:
        client.delete(*others)


# What each counted request is told (RateLimit-Policy and RateLimit: tests/api/test_ratelimit_headers.py)


def rate_limits(cache, address, times, now=600.0):
    """What the throttle leaves on each of ``times`` requests from ``address`` at ``now``."""
    told = []
    for _ in range(times):
        request = Request(RequestFactory().get("/api/v1/jurisdictions/", REMOTE_ADDR=address))
        throttle = AnonWindowRateThrottle()
        throttle.cache, throttle.timer = cache, lambda: now
        throttle.allow_request(request, None)
        told.append(vars(request._request).get("rate_limit"))
    return told


@pytest.mark.services
def test_on_redis_the_quota_told_is_the_one_count_s(redis_cache_backend, two_per_minute):
    # The count of the script's one round trip, and the window's end by the clock.
    cache = redis_cache_backend
    address = "2001:db8::1"

    told = rate_limits(cache, address, 3, now=600.0 + 59.25)  # three quarters of a second before the end
    next_window = rate_limits(cache, address, 1, now=660.0)

    policy = '"anon";q=2;w=60'
    assert told == [(policy, '"anon";r=1;t=1'), (policy, '"anon";r=0;t=1'), (policy, '"anon";r=0;t=1')]
    assert next_window == [(policy, '"anon";r=1;t=60')]


def test_without_the_cache_nothing_is_told(two_per_minute):
    cache = ResilientRedisCache(f"redis://127.0.0.1:{closed_port()}/0", {})

    assert rate_limits(cache, "198.51.100.7", 2) == [None, None]


def test_a_reader_the_throttle_does_not_count_is_told_nothing(staff, two_per_minute):
    request = Request(RequestFactory().get("/api/v1/jurisdictions/"))
    request.user = staff

    assert AnonWindowRateThrottle().allow_request(request, None) is True
    assert "rate_limit" not in vars(request._request)
