import pytest
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Anonymous throttling counts in the cache: each test starts from zero requests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def english_afterwards():
    """A request with ?lang=fr leaves French active in the thread: do not pass it on."""
    yield
    translation.activate("en")


@pytest.fixture
def api(db):
    return APIClient()


@pytest.fixture
def redis_cache(require_redis, settings):
    """The production cache: Redis (a database of the tests' own), emptied before and after."""
    from django.core.cache import cache

    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "cogwg.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:6379/14"},
    }
    cache.clear()
    yield cache
    cache.clear()


def redis_round_trips(monkeypatch):
    """A list that receives one entry per round trip to Redis (a pipeline is one)."""
    from redis.connection import AbstractConnection

    trips = []
    send = AbstractConnection.send_packed_command

    def counted(self, command, *args, **kwargs):
        trips.append(command)
        return send(self, command, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    return trips
