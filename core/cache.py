"""Django's Redis cache, with connections that outlive the request.

Django keeps one cache object per thread and, under ASGI, per request context; its
RedisCache gives each object its own connection pool and builds a new `redis.Redis`
client for every single operation. On a busy server that means a fresh TCP connection
(and redis-py's handshake) for every request, and a client object built several times
per request: together more CPU than a whole API view.

`RedisCache` here shares one client per (servers, options) across the process: the
pool is redis-py's thread-safe `ConnectionPool`, and a `redis.Redis` bound to a pool is
safe to share between threads.

The cache is an optimisation, never a dependency: with Redis unreachable every read
misses (callers then ask the database), every write is skipped, and rate-limit counters
count in this process instead (`incr_expiring`). After one failure the backend stops
calling Redis for `OUTAGE_COOLDOWN` seconds, so an outage costs one refused connection
per process and cooldown, not one per cache call. Keys that could not be written or
deleted during the outage are deleted once Redis answers again, so a value that should
have been dropped (a signed-out token's user, a withdrawn consent) is not served from a
Redis that survived a network partition.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from django.utils.functional import cached_property
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Errors that mean "Redis is not there", as opposed to a bug in how we call it.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
OUTAGE_COOLDOWN = 5.0
PENDING_DELETES_MAX = 50_000

_clients: dict[tuple, SharedRedisCacheClient] = {}
_lock = threading.Lock()


# Counters for rate limits: add one and give a new counter its time to live, in one
# round trip and atomically (a counter never outlives its window).
INCR_EXPIRING = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""


class SharedRedisCacheClient(DjangoRedisCacheClient):
    """Builds each pool's `redis.Redis` once instead of once per operation."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._bound: dict[int, object] = {}
        self._scripts: dict[int, object] = {}

    def incr_expiring(self, key: str, timeout: int) -> int:
        client = self.get_client(key, write=True)
        script = self._scripts.get(id(client))
        if script is None:
            script = self._scripts[id(client)] = client.register_script(INCR_EXPIRING)
        return int(script(keys=[key], args=[int(timeout)]))

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._bound.get(index)
        if client is None:
            with _lock:
                client = self._bound.get(index)
                if client is None:
                    pool = self._get_connection_pool(index)
                    client = self._bound[index] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """`django.core.cache.backends.redis.RedisCache`, sharing one client per process."""

    @cached_property
    def _cache(self) -> SharedRedisCacheClient:
        key = (tuple(self._servers), repr(sorted(self._options.items())))
        client = _clients.get(key)
        if client is None:
            with _lock:
                client = _clients.get(key)
                if client is None:
                    client = _clients[key] = SharedRedisCacheClient(
                        self._servers, **self._options
                    )
        return client

    def incr_expiring(self, key: str, timeout: int, version: int | None = None) -> int:
        """Add one to a counter, created with `timeout` seconds to live: one round
        trip where Django's `incr` takes two and cannot create the key."""
        key = self.make_and_validate_key(key, version=version)
        return self._cache.incr_expiring(key, timeout)


def window_count(cache, key: str, timeout: int) -> int:
    """Add one to the counter `key` (created with `timeout` seconds to live)."""
    incr_expiring = getattr(cache, "incr_expiring", None)
    if incr_expiring is not None:  # RedisCache: one round trip
        return incr_expiring(key, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # first request of the window
        if cache.add(key, 1, timeout=timeout):
            return 1
        return cache.incr(key)


class _Outage:
    """Per-process breaker: after a failure, skip Redis for a few seconds."""

    def __init__(self) -> None:
        self._until = 0.0
        self._lock = threading.Lock()
        self.pending_deletes: set[str] = set()

    @property
    def is_open(self) -> bool:
        return self._until and time.monotonic() < self._until

    def trip(self, exc: BaseException, op: str) -> None:
        with self._lock:
            first = not self._until
            self._until = time.monotonic() + OUTAGE_COOLDOWN
        if first:
            logger.warning(
                "cache unavailable (%s on %s): caches miss, rate limits count per "
                "process until Redis answers again",
                type(exc).__name__,
                op,
            )

    def remember(self, keys) -> None:
        with self._lock:
            if len(self.pending_deletes) < PENDING_DELETES_MAX:
                self.pending_deletes.update(keys)

    def reset(self) -> None:
        with self._lock:
            self._until = 0.0
            self.pending_deletes.clear()


outage = _Outage()


class LocalCounters:
    """Fixed-window counters in this process: the rate limits' stand-in while Redis
    is unreachable (each process then allows the limit on its own)."""

    def __init__(self) -> None:
        self._counts: dict[str, list] = {}
        self._lock = threading.Lock()

    def incr_expiring(self, key: str, timeout: int) -> int:
        now = time.monotonic()
        with self._lock:
            if len(self._counts) > 10_000:
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            entry = self._counts.get(key)
            if entry is None or entry[1] <= now:
                entry = self._counts[key] = [0, now + timeout]
            entry[0] += 1
            return entry[0]

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


local_counters = LocalCounters()


def reset_outage() -> None:
    """Forget a past outage (tests; the breaker also closes by itself)."""
    outage.reset()
    local_counters.clear()


class ResilientRedisCache(RedisCache):
    """`RedisCache` that keeps answering while Redis is down (see module docstring)."""

    def _call(self, op: str, default, fn, *args, written=(), **kwargs):
        if outage._until:  # down, or just back: first drop what went stale
            if not outage.is_open:
                self._recover()
            if outage.is_open:
                if written:
                    outage.remember(written)
                return default
        try:
            return fn(*args, **kwargs)
        except UNAVAILABLE as exc:
            outage.trip(exc, op)
            if written:
                outage.remember(written)
            return default

    def _recover(self) -> None:
        with outage._lock:
            if not outage._until or outage.is_open:
                return
            keys = list(outage.pending_deletes)
            try:
                for start in range(0, len(keys), 1000):
                    self._cache.delete_many(keys[start : start + 1000])
            except UNAVAILABLE:
                outage._until = time.monotonic() + OUTAGE_COOLDOWN
                return
            outage._until = 0.0
            outage.pending_deletes.clear()
        logger.warning(
            "cache available again; dropped %d keys written during the outage",
            len(keys),
        )

    def _key(self, key, version):
        return self.make_and_validate_key(key, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(
            "set",
            None,
            super().set,
            key,
            value,
            timeout,
            version,
            written=[self._key(key, version)],
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(
            "delete",
            False,
            super().delete,
            key,
            version,
            written=[self._key(key, version)],
        )

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._call("incr", missing, super().incr, key, delta, version)
        if result is missing:  # as if the key did not exist: callers handle that
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        written = [self._key(key, version) for key in data]
        return self._call(
            "set_many",
            list(data),
            super().set_many,
            data,
            timeout,
            version,
            written=written,
        )

    def delete_many(self, keys, version=None):
        keys = list(keys)
        written = [self._key(key, version) for key in keys]
        self._call(
            "delete_many", None, super().delete_many, keys, version, written=written
        )

    def clear(self):
        return self._call("clear", False, super().clear)

    def incr_expiring(self, key: str, timeout: int, version: int | None = None) -> int:
        full_key = self._key(key, version)
        missing = object()
        result = self._call(
            "incr_expiring", missing, self._cache.incr_expiring, full_key, timeout
        )
        if result is missing:
            return local_counters.incr_expiring(full_key, timeout)
        return result
