"""Django's Redis cache, with connections that outlive the request.

Django keeps one cache object per thread and, under ASGI, per request context; its
RedisCache gives each object its own connection pool and builds a new `redis.Redis`
client for every single operation. On a busy server that means a fresh TCP connection
(and redis-py's handshake) for every request, and a client object built several times
per request: together more CPU than a whole API view.

`RedisCache` here shares one client per (servers, options) across the process: the
pool is redis-py's thread-safe `ConnectionPool`, and a `redis.Redis` bound to a pool is
safe to share between threads.
"""

from __future__ import annotations

import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from django.utils.functional import cached_property

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
