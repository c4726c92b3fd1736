"""Per-client rate limiting: a token bucket per (client, bucket name), in memory.

A client may send ``limit`` requests in a burst, then one more every ``window / limit`` seconds.
Idle buckets (full again) are dropped so that the table does not grow without bound.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic, max_clients: int = 50_000) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self.rate = limit / window  # tokens per second
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: dict[str, _Bucket] = {}

    def __len__(self) -> int:
        return len(self._buckets)

    def hit(self, key: str, cost: float = 1.0) -> float:
        """Take ``cost`` tokens from ``key``'s bucket. Returns 0 if allowed, otherwise the number of
        seconds to wait before the request would be allowed (nothing is taken then)."""
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_clients:
                self._prune(now)
            bucket = self._buckets[key] = _Bucket(tokens=float(self.limit), updated=now)
        else:
            bucket.tokens = min(float(self.limit), bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        if bucket.tokens >= cost:
            bucket.tokens -= cost
            return 0.0
        return (cost - bucket.tokens) / self.rate

    def _prune(self, now: float) -> None:
        """Drop buckets that have refilled completely (their clients have been idle)."""
        full = [k for k, b in self._buckets.items() if b.tokens + (now - b.updated) * self.rate >= self.limit]
        for k in full:
            del self._buckets[k]
        if len(self._buckets) >= self.max_clients:  # still full: drop the oldest half
            for k in sorted(self._buckets, key=lambda k: self._buckets[k].updated)[: self.max_clients // 2]:
                del self._buckets[k]


def retry_after_seconds(wait: float) -> int:
    return max(1, math.ceil(wait))
