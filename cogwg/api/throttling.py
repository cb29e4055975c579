"""Throttling of anonymous API readers, and the quota each answer tells them about.

Every answer counted by the throttle (an anonymous reader's: a 200, a 304 or a kept answer
given before DRF's set-up, an error, a 429) says where its reader stands, in the form
draft-ietf-httpapi-ratelimit-headers has had since its draft 08 (draft 11, of May 2026, is
the current one): Structured Fields lists of one item, the policy named after the
throttle's scope, with its parameters.

    RateLimit-Policy: "anon";q=1200;w=3600   (the quota, and the window in seconds)
    RateLimit: "anon";r=1187;t=2140          (requests left, seconds until the window ends)

A 429 keeps its Retry-After, the same wait as ``t``. Answers that are not counted (an
authenticated reader's, the token endpoint's, any while the cache is unreachable) carry
neither. The cost is two headers and one short string per counted request, and no cache
call: the script's count and the clock say it all."""

import logging
from functools import cache

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


RATE_LIMIT_POLICY = "RateLimit-Policy"
RATE_LIMIT = "RateLimit"


@cache
def policy_value(scope: str, quota: int, window: int) -> str:
    """The RateLimit-Policy of a throttle: the same for every answer, made once."""
    return f'"{scope}";q={quota};w={window}'


def set_rate_limit_headers(request, response):
    """Put on ``response`` the RateLimit-Policy and RateLimit that the throttle left on
    ``request`` (DRF's or Django's) when it counted it, or take them off when it did not:
    a kept answer holds those of the reader it was first made for."""
    headers = vars(django_request(request)).get("rate_limit")
    if headers is None:
        del response[RATE_LIMIT_POLICY], response[RATE_LIMIT]
    else:
        response[RATE_LIMIT_POLICY], response[RATE_LIMIT] = headers
    return response


class RateLimitHeadersMixin:
    """For an API view outside the viewsets (which do the same in their own
    ``finalize_response``): its answers carry the reader's RateLimit headers."""

    def finalize_response(self, request, response, *args, **kwargs):
        return set_rate_limit_headers(request, super().finalize_response(request, response, *args, **kwargs))


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
        attributes = vars(django_request(request))
        counts = attributes.setdefault("throttle_counts", {})
        if key not in counts:
            number = counts[key] = self.count(key, request)
            if number:  # (0: the cache is unreachable, nothing is known to tell)
                # (The window ends at a whole second: int() rounds its distance up.)
                attributes["rate_limit"] = self.rate_limit_headers(number, self.window_ends - int(self.now))
        if counts[key] > self.num_requests:
            return self.throttle_failure()
        return True

    def rate_limit_headers(self, number: int, seconds_left: int) -> tuple[str, str]:
        """(RateLimit-Policy, RateLimit) of the request numbered ``number`` in a window that
        ends in ``seconds_left`` whole seconds. That end is the clock's, as the key's window
        is: the key's own expiry (a second past the window's length from its first request)
        is not when the count starts again, so the count is all the script need return."""
        left = self.num_requests - number
        return (
            policy_value(self.scope, self.num_requests, self.duration),
            f'"{self.scope}";r={left if left > 0 else 0};t={seconds_left}',
        )

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
