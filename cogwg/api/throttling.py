"""Throttling of anonymous API readers."""

import logging

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from redis.commands.core import Script
from rest_framework.throttling import AnonRateThrottle

from cogwg.cache import OUTAGE_ERRORS
from cogwg.versioning import version_keys

from .caching import without_credentials

logger = logging.getLogger(__name__)


# One command, atomic: the count of KEYS[1] (which expires ARGV[1] seconds after the
# window's first request) and the values of the other keys (false where missing). Run by
# its SHA1; a server that lacks it (restarted since) is sent it once more by redis-py.
COUNT_AND_READ = Script(
    None,
    b"""
local number = redis.call('INCR', KEYS[1])
if number == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if #KEYS == 1 then return {number, {}} end
return {number, redis.call('MGET', unpack(KEYS, 2))}
""",
)


def django_request(request):
    """Django's request, from DRF's or itself."""
    return getattr(request, "_request", request)


class AnonWindowRateThrottle(AnonRateThrottle):
    """AnonRateThrottle's limit per client address, counted per fixed window.

    DRF's throttle keeps the time of each of the address's requests of the last period in the
    cache, read, filtered and written back whole on every request: at 1 200 an hour, up to
    1 200 timestamps a request. This keeps one number per address and window: on Redis one
    atomic script (INCR, and the key's expiry at the window's first request), on other
    caches a read and a write. At a window's edge an address may make up to twice the rate
    within one period, the usual price of fixed windows. Without a reachable cache,
    requests are let through, as pages are served without it.

    On Redis, a read also fetches the data version's keys in the same round trip and leaves
    them on Django's request (``stored_data_version``): its ETag then costs no other cache
    call, and an API revalidation costs one round trip in all."""

    cache_alias = "default"

    def __init__(self):
        super().__init__()
        # DRF's class attribute is django.core.cache.cache, a proxy: the backend itself
        # tells whether the Redis path can be taken.
        self.cache = caches[self.cache_alias]

    def get_cache_key(self, request, view):
        if isinstance(request, HttpRequest) and without_credentials(request):
            # Asked before DRF's authentication (ApiViewSetMixin.anonymous_answer), of a
            # request that carries no credentials: anonymous, without loading its session.
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        return super().get_cache_key(request, view)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        key = f"{self.key}:{window}"
        # Counted once per request, kept on Django's request (under DRF's): an anonymous
        # read that goes on to DRF's pass (ApiViewSetMixin.anonymous_answer)
        # is not counted twice.
        counts = vars(django_request(request)).setdefault("throttle_counts", {})
        if key not in counts:
            counts[key] = self.count(key, request)
        if counts[key] > self.num_requests:
            return self.throttle_failure()
        return True

    def count(self, key, request=None):
        """This request's number in its window."""
        if isinstance(self.cache, RedisCache):
            if getattr(self.cache, "_is_down", lambda: False)():
                return 0
            # The data version lives in the default cache: read it along when it is this one.
            versions = version_keys() if self.reads_version(request) else []
            try:
                client = self.cache._cache.get_client(key, write=True)
                # Our own keys (a prefix, an address, a window): no need of memcached's checks.
                keys = [self.cache.make_key(name) for name in [key, *versions]]
                number, read = COUNT_AND_READ(keys, [self.duration + 1], client=client)
                if versions:
                    loads = self.cache._cache._serializer.loads
                    django_request(request).stored_data_version = {
                        name: loads(value) for name, value in zip(versions, read, strict=True) if value
                    }
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

    def reads_version(self, request):
        return request is not None and request.method in ("GET", "HEAD") and self.cache is caches["default"]

    def wait(self):
        return max(self.window_ends - self.now, 0.0)
