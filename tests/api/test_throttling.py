"""Anonymous readers are throttled per address; staff are not."""

import pickle

import pytest
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle

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
