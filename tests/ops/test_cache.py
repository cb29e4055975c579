"""The Redis cache the site survives losing (cogwg/cache.py)."""

import uuid

import pytest

from cogwg.cache import ResilientRedisCache
from tests.ops.conftest import closed_port


def unreachable_cache():
    return ResilientRedisCache(f"redis://127.0.0.1:{closed_port()}/0", {})


def test_an_unreachable_cache_misses_instead_of_raising():
    cache = unreachable_cache()

    assert cache.get("key") is None
    assert cache.get("key", "fallback") == "fallback"
    assert cache.set("key", "value") is None
    assert cache.add("key", "value") is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.has_key("key") is False
    assert cache.delete("key") is False
    assert cache.get_or_set("key", lambda: "computed") == "computed"
    with pytest.raises(ValueError):
        cache.incr("counter")


def test_after_a_failure_the_cache_is_left_alone_for_a_while():
    cache = unreachable_cache()
    cache.get("key")
    cache._cache._pools.clear()

    for _ in range(1000):
        cache.get("key")

    assert cache._cache._pools == {}, "no connection attempted while marked down"


def test_the_cache_is_tried_again_once_the_pause_is_over(monkeypatch):
    cache = unreachable_cache()
    cache.get("key")
    calls = []
    monkeypatch.setattr(type(cache._cache), "get", lambda self, key, default: calls.append(key) or "back")

    assert cache.get("key") is None
    cache._down_until = 0.0

    assert cache.get("key") == "back"
    assert len(calls) == 1


@pytest.mark.django_db
@pytest.mark.urls("tests.ops.probe_urls")
def test_pages_answer_200_with_the_cache_unreachable(client, settings):
    # The page frame's cache is each process's own memory, as in production.
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "cogwg.cache.ResilientRedisCache", "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"},
    }
    settings.MIDDLEWARE = [
        "django.middleware.cache.UpdateCacheMiddleware",
        *settings.MIDDLEWARE,
        "django.middleware.cache.FetchFromCacheMiddleware",
    ]

    cached_page = client.get("/en/ops-probe/cache/")
    healthz = client.get("/healthz")
    public_pages = [client.get(path) for path in ("/en/", "/fr/a-propos/", "/en/about/", "/api/v1/milestones/")]

    assert cached_page.status_code == 200
    assert cached_page.content == b"cache probe: computed"
    assert healthz.status_code == 200
    assert [page.status_code for page in public_pages] == [200, 200, 200, 200]
    assert "Tableau de bord" in public_pages[1].content.decode()


@pytest.mark.services
def test_a_reachable_redis_is_used_as_a_normal_cache(require_redis):
    cache = ResilientRedisCache("redis://127.0.0.1:6379/15", {})
    key = f"ops-test-{uuid.uuid4().hex}"

    counter = f"{key}-counter"

    cache.set(key, {"value": 1}, timeout=30)

    assert cache.get(key) == {"value": 1}
    assert cache.add(counter, 0, timeout=30) is True
    assert cache.incr(counter) == 1
    cache.delete_many([key, counter])
    assert cache.get_many([key, counter]) == {}
