"""Platform send limits as token buckets: shared in Redis, per process without it."""

from __future__ import annotations

import os
import threading
import time

from django.conf import settings

from chatbot.channels.rules import Bucket, buckets_take

# All-or-nothing take across several buckets, timed by the Redis server's clock.
_LUA = """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
local wait = 0
local toks = {}
for i = 1, #KEYS do
  local rate = tonumber(ARGV[2 * i - 1])
  local cap = tonumber(ARGV[2 * i])
  local v = redis.call('HMGET', KEYS[i], 't', 'u')
  local t = tonumber(v[1])
  local u = tonumber(v[2])
  if t == nil then t = cap; u = now end
  t = math.min(cap, t + math.max(now - u, 0) * rate)
  toks[i] = t
  if t < 1 then wait = math.max(wait, (1 - t) / rate) end
end
for i = 1, #KEYS do
  local t = toks[i]
  if wait == 0 then t = t - 1 end
  redis.call('HSET', KEYS[i], 't', tostring(t), 'u', tostring(now))
  redis.call('PEXPIRE', KEYS[i], 60000)
end
return tostring(wait)
"""

_lock = threading.Lock()
_local: dict[str, Bucket] = {}
_redis: dict[str, object] = {}


def limits_for(channel: str, chat_id: str, sender: str = "") -> list[tuple[str, float]]:
    """(bucket key, messages per second) that one message to `chat_id` must pass."""
    if channel == "telegram":
        return [
            ("tg:all", settings.CHATBOT_TELEGRAM_RATE),
            (f"tg:chat:{chat_id}", settings.CHATBOT_TELEGRAM_CHAT_RATE),
        ]
    number = sender or settings.WHATSAPP_PHONE_NUMBER_ID or "default"
    return [(f"wa:{number}", settings.CHATBOT_WHATSAPP_RATE)]


def _client():
    import redis

    key = f"{os.getpid()}:{settings.REDIS_URL}"
    if key not in _redis:
        client = redis.Redis.from_url(settings.REDIS_URL)
        _redis[key] = client.register_script(_LUA)
    return _redis[key]


def acquire(limits: list[tuple[str, float]]) -> float:
    """Take a send slot from every bucket: 0.0, or the seconds to wait (none taken).

    Capacity equals the rate (at most one second of burst)."""
    if settings.REDIS_URL:
        try:
            script = _client()
            keys = [f"sigap:chan:rl:{name}" for name, _ in limits]
            args: list[float] = []
            for _, rate in limits:
                args += [rate, max(rate, 1.0)]
            return float(script(keys=keys, args=args))
        except Exception:  # Redis down: fall back to the local buckets, keep sending
            pass
    with _lock:
        buckets = []
        for name, rate in limits:
            bucket = _local.get(name)
            if bucket is None or bucket.rate != rate:
                bucket = _local[name] = Bucket(rate=rate, capacity=max(rate, 1.0))
            buckets.append(bucket)
        return buckets_take(buckets, time.monotonic())


def reset_local() -> None:
    with _lock:
        _local.clear()
