"""The project's one rate limiter: a token bucket per (limiter, key), in this process's memory or,
when ``TENDIK_REDIS_URL`` is set, in Redis, so that every replica of a front end shares the limits.

A key (a client address, a hashed Telegram sender id) may spend ``limit`` tokens in a burst; the
tokens come back at ``limit / window`` per second. :meth:`RateLimiter.hit` takes one token and
answers 0 when the request may go on, otherwise the seconds to wait until it would be allowed; a
refused request takes nothing, so hammering while limited does not push a client further back.
Used by the widget API (:mod:`tendik.web.ratelimit`) and the Telegram bot's per-user flood limit
(:mod:`tendik.telegram.middlewares`).

Memory stays bounded: in memory, buckets that have refilled completely are dropped when the
table is full (then the oldest half, if that was not enough); in Redis, each bucket expires when
it would be full again. In Redis the key is a hash of the caller's key (no client address or
sender id is stored there), and one Lua script per hit reads, refills and takes atomically with
Redis's own clock, so replicas need no synchronised clocks.

**Redis down: fail open.** For a legal-help assistant a user must never be refused because the
limits' store is unreachable: while Redis cannot be reached (connection refused, timeout, error),
each process limits on its own, in memory, exactly as without ``TENDIK_REDIS_URL`` (never stricter
than the shared limit: a process sees only its own share of a client's requests). One warning is
logged per outage (never with the key); Redis is tried again after ``retry_after`` seconds.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

__all__ = ["Backend", "MemoryBackend", "RateLimiter", "RedisBackend", "backend_for", "retry_after_seconds"]

logger = logging.getLogger(__name__)

Clock = Callable[[], float]


def retry_after_seconds(wait: float) -> int:
    """A wait as the whole seconds of a ``Retry-After`` header (at least 1)."""
    return max(1, math.ceil(wait))


class Backend(Protocol):
    """Where the buckets live. ``bucket`` names the limiter and the key; ``rate`` is tokens per
    second. Returns 0 (allowed, ``cost`` taken) or the seconds to wait (nothing taken)."""

    async def take(self, bucket: tuple[str, str], limit: int, rate: float, cost: float) -> float: ...

    async def forget(self, bucket: tuple[str, str]) -> None: ...

    async def close(self) -> None: ...


# ---------------------------------------------------------------- in memory
@dataclass
class _Bucket:
    tokens: float
    updated: float
    full_at: float  # when it will have refilled completely: idle from then on


class MemoryBackend:
    """Buckets in this process (one event loop: no locking needed). At most ``max_keys`` buckets."""

    def __init__(self, clock: Clock = time.monotonic, max_keys: int = 50_000) -> None:
        if max_keys < 2:
            raise ValueError("max_keys must be >= 2")
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def __len__(self) -> int:
        return len(self._buckets)

    def take_now(self, bucket: tuple[str, str], limit: int, rate: float, cost: float) -> float:
        now = self.clock()
        b = self._buckets.get(bucket)
        if b is None:
            if len(self._buckets) >= self.max_keys:
                self._prune(now)
            b = self._buckets[bucket] = _Bucket(tokens=float(limit), updated=now, full_at=now)
        else:
            b.tokens = min(float(limit), b.tokens + max(0.0, now - b.updated) * rate)
            b.updated = now
        wait = 0.0
        if b.tokens >= cost:
            b.tokens -= cost
        else:
            wait = (cost - b.tokens) / rate
        b.full_at = now + (limit - b.tokens) / rate
        return wait

    async def take(self, bucket: tuple[str, str], limit: int, rate: float, cost: float) -> float:
        return self.take_now(bucket, limit, rate, cost)

    async def forget(self, bucket: tuple[str, str]) -> None:
        self._buckets.pop(bucket, None)

    async def close(self) -> None:
        self._buckets.clear()

    def _prune(self, now: float) -> None:
        """Drop buckets that have refilled completely (their clients have been idle); if the
        table is still full, the least recently used half."""
        for key in [k for k, b in self._buckets.items() if b.full_at <= now]:
            del self._buckets[key]
        if len(self._buckets) >= self.max_keys:
            for key in sorted(self._buckets, key=lambda k: self._buckets[k].updated)[: self.max_keys // 2]:
                del self._buckets[key]


# ---------------------------------------------------------------- Redis
# KEYS[1]: the bucket (a hash: t = tokens, u = last update, seconds). ARGV: limit, rate (tokens
# per second), cost, now ('' = Redis's clock). Returns the wait in seconds as a string (Lua numbers
# returned to Redis become integers). The bucket expires when it would be full again.
_TAKE = """
local limit = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local b = redis.call('HMGET', KEYS[1], 't', 'u')
local tokens = tonumber(b[1])
local updated = tonumber(b[2])
if tokens == nil or updated == nil then
  tokens = limit
else
  tokens = math.min(limit, tokens + math.max(0, now - updated) * rate)
end
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
else
  wait = (cost - tokens) / rate
end
redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 'u', string.format('%.6f', now))
redis.call('PEXPIRE', KEYS[1], math.ceil((limit - tokens) / rate * 1000) + 1000)
return string.format('%.17g', wait)
"""


class RedisBackend:
    """Buckets in Redis, shared by every process that uses the same server and ``prefix``.

    ``clock`` (tests only) replaces Redis's clock with the caller's. Falls back to ``fallback``
    (this process's memory) while Redis cannot be reached: see the module's doc."""

    def __init__(
        self, url: str, *, prefix: str = "tendik:ratelimit:", timeout: float = 0.5, retry_after: float = 5.0,
        fallback: MemoryBackend | None = None, clock: Clock | None = None,
    ) -> None:
        import redis.asyncio as aioredis  # only the services that use Redis need the client
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        # One immediate retry (a pooled connection that died with a restarted Redis reconnects),
        # no backoff: a hit must never wait long for Redis (the default retries for seconds).
        self._client = aioredis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, retry=Retry(NoBackoff(), 1),
        )
        self._script = self._client.register_script(_TAKE)
        self.prefix = prefix
        self.retry_after = retry_after
        self.fallback = fallback or MemoryBackend()
        self.clock = clock
        self.down_since: float | None = None  # monotonic time of the first failure of an outage
        self._retry_at = 0.0
        self.failures = 0  # calls answered by the fallback because Redis failed (for tests and health)

    def key(self, bucket: tuple[str, str]) -> str:
        """The Redis key of a bucket: the limiter's name and a hash of the caller's key."""
        name, key = bucket
        return f"{self.prefix}{name}:{hashlib.blake2b(key.encode('utf-8'), digest_size=16).hexdigest()}"

    async def take(self, bucket: tuple[str, str], limit: int, rate: float, cost: float) -> float:
        if self.down_since is not None and time.monotonic() < self._retry_at:
            return self.fallback.take_now(bucket, limit, rate, cost)
        now = "" if self.clock is None else repr(self.clock())
        try:
            reply = await self._script(keys=[self.key(bucket)], args=[limit, repr(rate), repr(cost), now])
            wait = float(reply.decode() if isinstance(reply, bytes) else reply)
        except Exception as exc:  # noqa: BLE001 - whatever Redis did, fail open (see the module's doc)
            self._failed(exc)
            return self.fallback.take_now(bucket, limit, rate, cost)
        if self.down_since is not None:
            logger.info("rate limits: Redis answers again after %.0f s; the limits are shared again",
                        time.monotonic() - self.down_since)
            self.down_since = None
        return wait

    def _failed(self, exc: Exception) -> None:
        self.failures += 1
        now = time.monotonic()
        if self.down_since is None:
            self.down_since = now
            logger.warning("rate limits: Redis cannot be reached (%s); limiting in this process only until it can "
                           "(no request is refused because of it)", type(exc).__name__)
        self._retry_at = now + self.retry_after

    async def forget(self, bucket: tuple[str, str]) -> None:
        await self.fallback.forget(bucket)
        try:
            await self._client.delete(self.key(bucket))
        except Exception as exc:  # noqa: BLE001
            self._failed(exc)

    async def close(self) -> None:
        await self.fallback.close()
        try:
            await self._client.aclose()
        except Exception as exc:  # noqa: BLE001 - closing a broken connection
            logger.debug("rate limits: closing the Redis client: %s", type(exc).__name__)


def backend_for(redis_url: str | None) -> Backend:
    """Redis when ``redis_url`` (``TENDIK_REDIS_URL``) is set, else this process's memory."""
    return RedisBackend(redis_url) if redis_url else MemoryBackend()


# ---------------------------------------------------------------- the limiter
class RateLimiter:
    """``limit`` requests per ``window`` seconds per key (a token bucket), named so that several
    limiters can share one backend. ``await limiter.hit(key)``: 0 = go on, else seconds to wait."""

    def __init__(self, name: str, limit: int, window: float, backend: Backend | None = None) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        if not name or ":" in name:
            raise ValueError("a limiter needs a name without ':'")
        self.name = name
        self.limit = limit
        self.window = window
        self.rate = limit / window  # tokens per second
        self.backend: Backend = backend if backend is not None else MemoryBackend()

    async def hit(self, key: str, cost: float = 1.0) -> float:
        """Take ``cost`` tokens from ``key``'s bucket: 0 if allowed, else the seconds to wait
        before it would be (and nothing is taken)."""
        return await self.backend.take((self.name, key), self.limit, self.rate, cost)

    async def forget(self, key: str) -> None:
        """Drop ``key``'s bucket (it starts full again)."""
        await self.backend.forget((self.name, key))
