"""Throttling of anonymous API readers."""

import logging

from django.core.cache.backends.redis import RedisCache
from rest_framework.throttling import AnonRateThrottle

from cogwg.cache import OUTAGE_ERRORS

logger = logging.getLogger(__name__)


class AnonWindowRateThrottle(AnonRateThrottle):
    """AnonRateThrottle's limit per client address, counted per fixed window.

    DRF's throttle keeps the time of each of the address's requests of the last period in the
    cache, read, filtered and written back whole on every request: at 1 200 an hour, up to
    1 200 timestamps a request. This keeps one number per address and window: on Redis an
    atomic INCR (with its expiry, in one round trip), on other caches a read and a write. At
    a window's edge an address may make up to twice the rate within one period, the usual
    price of fixed windows. Without a reachable cache, requests are let through, as pages
    are served without it."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        if self.count(f"{self.key}:{window}") > self.num_requests:
            return self.throttle_failure()
        return True

    def count(self, key):
        """This request's number in its window."""
        if isinstance(self.cache, RedisCache):
            if getattr(self.cache, "_is_down", lambda: False)():
                return 0
            try:
                client = self.cache._cache.get_client(key, write=True)
                with client.pipeline(transaction=False) as pipe:
                    full_key = self.cache.make_and_validate_key(key)
                    pipe.incr(full_key)
                    pipe.expire(full_key, self.duration + 1)
                    number, _expiry = pipe.execute()
                return number
            except OUTAGE_ERRORS as exc:
                mark_down = getattr(self.cache, "_mark_down", None)
                if mark_down is not None:
                    mark_down(exc)  # the cache then stays alone for a while, as for any call
                else:
                    logger.warning("throttle not counted, the cache is unreachable: %s", exc)
                return 0
        number = (self.cache.get(key) or 0) + 1
        self.cache.set(key, number, self.duration + 1)
        return number

    def wait(self):
        return max(self.window_ends - self.now, 0.0)
