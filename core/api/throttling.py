"""Rate limits as fixed-window counters: one cache round trip per request.

DRF's `SimpleRateThrottle` keeps the timestamp of every request in a list that it
reads, rewrites and pickles on each request: two cache round trips and a list of up
to N floats (600 for a signed-in user), and two processes can overwrite each other's
list, letting requests through uncounted. Here each (scope, client, window) is one
counter that the cache increments atomically, so the limit holds across processes
and costs one round trip. A client may spend its allowance at the end of one window
and again at the start of the next, as with any fixed window; the rates are set with
that in mind.

The classes keep DRF's names, scopes, rates and client identification (user id, or
address behind `NUM_PROXIES` proxies); only the bookkeeping differs.
"""

from __future__ import annotations

from rest_framework import throttling

from core.cache import window_count


def client_ident(request) -> str:
    """The caller's address as rate limits see it (`NUM_PROXIES`, default 0: the
    socket's own address; a forwarded header is trusted only behind that many
    proxies)."""
    return throttling.BaseThrottle().get_ident(request)


class WindowRateThrottle(throttling.SimpleRateThrottle):
    """`SimpleRateThrottle` (same rates and keys) counting in fixed windows."""

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        count = window_count(
            self.cache, f"{self.key}:{window}", timeout=self.duration + 5
        )
        self._wait = self.duration - now % self.duration
        return count <= self.num_requests

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)


class AnonRateThrottle(throttling.AnonRateThrottle, WindowRateThrottle):
    """Anonymous callers by address, at the "anon" rate."""


class UserRateThrottle(throttling.UserRateThrottle, WindowRateThrottle):
    """Signed-in callers by user id (others by address), at the "user" rate."""


class ScopedRateThrottle(throttling.ScopedRateThrottle, WindowRateThrottle):
    """Per view's `throttle_scope` and caller, at that scope's rate."""
