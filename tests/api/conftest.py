import os
import uuid

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


# The tests' Redis database, which other runs (another checkout, CI on the same machine,
# a second pytest) share: each run keeps its keys under a prefix of its own, made once per
# process, and deletes only those, never the database (FLUSHDB, what cache.clear() does).
REDIS_LOCATION = "redis://127.0.0.1:6379/14"
RUN_KEY_PREFIX = f"cogwg-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
REDIS_CACHE = {"BACKEND": "cogwg.cache.ResilientRedisCache", "LOCATION": REDIS_LOCATION, "KEY_PREFIX": RUN_KEY_PREFIX}


def delete_run_keys():
    """Delete this run's keys (Django's keys are ``<KEY_PREFIX>:<version>:<key>``)."""
    import redis

    client = redis.Redis.from_url(REDIS_LOCATION)
    try:
        keys = list(client.scan_iter(match=f"{RUN_KEY_PREFIX}:*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def run_redis(require_redis):
    """This run's keys in the tests' Redis database, none before the test, none after."""
    delete_run_keys()
    yield
    delete_run_keys()


@pytest.fixture
def redis_cache(run_redis, settings):
    """The production cache, Redis, as the site's cache: this run's keys only."""
    from django.core.cache import cache

    settings.CACHES = {**settings.CACHES, "default": REDIS_CACHE}
    return cache


@pytest.fixture
def redis_cache_backend(run_redis):
    """A Redis cache of its own (the throttle is handed it): this run's keys only."""
    from cogwg.cache import ResilientRedisCache

    return ResilientRedisCache(REDIS_LOCATION, {"KEY_PREFIX": RUN_KEY_PREFIX})


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
