"""Throttling of anonymous API readers."""

from rest_framework.throttling import AnonRateThrottle


class AnonWindowRateThrottle(AnonRateThrottle):
    """AnonRateThrottle's limit per client address, counted per fixed window.

    DRF's throttle keeps the time of each of the address's requests of the last period in the
    cache, read, filtered and written back whole on every request: at 1 200 an hour, up to
    1 200 timestamps a request. This keeps one number per address and window (two small
    cache calls). Like DRF's, the read and write are not atomic, so a burst of parallel
    requests may be undercounted by a few; and at a window's edge an address may make up
    to twice the rate within one period, the usual price of fixed windows."""

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
        count = (self.cache.get(key) or 0) + 1
        if count > self.num_requests:
            return self.throttle_failure()
        self.cache.set(key, count, self.duration + 1)
        return True

    def wait(self):
        return max(self.window_ends - self.now, 0.0)
