"""A token bucket per API key, so one client cannot take the collector from the others."""

import time
from dataclasses import dataclass

MAX_KEYS = 100_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """`rate_per_s` requests a second per key on average, bursts of up to `burst`.

    A rate of 0 turns the limit off. Each process keeps its own buckets: with N workers
    a key may make up to N times the rate.
    """

    def __init__(self, rate_per_s: float, burst: float) -> None:
        self.rate_per_s = rate_per_s
        self.burst = max(burst, 1.0)
        self._buckets: dict[str, _Bucket] = {}

    def wait_s(self, key_hash: str) -> float:
        """0 when the request may go ahead (and is counted), else seconds until it may."""
        if self.rate_per_s <= 0:
            return 0.0
        now = time.monotonic()
        bucket = self._buckets.get(key_hash)
        if bucket is None:
            if len(self._buckets) >= MAX_KEYS:
                self._buckets.clear()
            bucket = self._buckets[key_hash] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate_per_s)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate_per_s
