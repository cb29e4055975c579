"""A Redis cache that the site survives losing.

The cache only ever saves work: when Redis is unreachable, reads miss and writes are
dropped, and pages are computed as if the cache were empty. After a failure the cache is
left alone for ``down_for`` seconds, so that an outage costs one connection attempt per
process every few seconds rather than one (or a timeout) per cache call.

Used when ``CACHE_URL`` points at Redis in production (cogwg/settings/production.py).
"""

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


def _survives_outage(fallback):
    """Run the cache operation; on an outage, return ``fallback(*args, **kwargs)``."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if self._is_down():
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except OUTAGE_ERRORS as exc:
                self._mark_down(exc)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _empty(*args, **kwargs):
    return {}


def _all_keys_failed(data, *args, **kwargs):
    return list(data)


def _missing(key, *args, **kwargs):
    # What Django's caches raise for incr() on a key they do not hold.
    raise ValueError(f"Key '{key}' not found (cache unreachable).")


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a ``redis.Redis`` object, with its table of response
    callbacks, for every cache call: about as long as the call itself. One per connection
    pool is enough (it is thread-safe; the pool holds the connections)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, with misses instead of errors while Redis is down."""

    down_for = 5.0
    default_options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._options = {**self.default_options, **self._options}
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _is_down(self):
        return time.monotonic() < self._down_until

    def _mark_down(self, exc):
        with self._lock:
            was_up = not self._is_down()
            self._down_until = time.monotonic() + self.down_for
        if was_up:
            logger.warning("cache unreachable, serving without it for %ss: %s", self.down_for, exc)

    add = _survives_outage(_false)(RedisCache.add)
    get = _survives_outage(_default)(RedisCache.get)
    set = _survives_outage(_nothing)(RedisCache.set)
    touch = _survives_outage(_false)(RedisCache.touch)
    delete = _survives_outage(_false)(RedisCache.delete)
    get_many = _survives_outage(_empty)(RedisCache.get_many)
    has_key = _survives_outage(_false)(RedisCache.has_key)
    incr = _survives_outage(_missing)(RedisCache.incr)
    set_many = _survives_outage(_all_keys_failed)(RedisCache.set_many)
    delete_many = _survives_outage(_nothing)(RedisCache.delete_many)
    clear = _survives_outage(_false)(RedisCache.clear)
