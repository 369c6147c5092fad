"""Request rate limits with the `limits` library: Redis when REDIS_URL is set (every gateway
process shares the buckets), otherwise this process's memory.

Sliding window counter: two counters per bucket whatever the traffic (a moving window keeps
one timestamp per root field, and its in-memory store expires them with a thread hop per
bucket), at the price of an estimate: the previous window's count is weighed by how much of
it still overlaps the window that ends now.
"""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError
from redis.asyncio import ConnectionPool
from redis.exceptions import RedisError

from resolvers.services import RateLimitRefusal

log = logging.getLogger("kabinet.rate_limits")

# A store that cannot answer lets the request through (and says so in the log): the limits
# protect capacity, and refusing everyone while Redis is down would be the bigger outage.
# Sign-in lock-outs are counted elsewhere (CounterStore) and still fail closed.
_STORE_ERRORS = (StorageError, RedisError, OSError)


# How often the in-memory store drops expired counters (they are ignored on read anyway).
SWEEP_INTERVAL = 10.0


class _SweptMemoryStorage(MemoryStorage):
    """limits' MemoryStorage starts a sweep of every key after each hit that finds the last
    sweep done, which in a server (the loop runs between requests) is every hit: work in
    proportion to all buckets, per request (0.8 ms a request at 2,000 buckets, measured).
    Expired counters are already ignored when read, so the sweep only frees memory: here it
    runs at most every SWEEP_INTERVAL seconds. Overrides a private hook of limits 5.8 (a
    test checks that it still exists); were it renamed, the library's own sweep would run,
    correct and slower."""

    def __init__(self) -> None:
        super().__init__(wrap_exceptions=True)
        self._swept_at = -SWEEP_INTERVAL

    async def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now - self._swept_at >= SWEEP_INTERVAL:
            self._swept_at = now
            await MemoryStorage._MemoryStorage__schedule_expiry(self)  # type: ignore[attr-defined]


class WindowRateLimiter:
    """A bucket per viewer ("subscriber:ID", "partner:ID") and one per client address."""

    def __init__(self, storage: Storage, viewer_rate: str, ip_rate: str, description: str) -> None:
        self._limiter = SlidingWindowCounterRateLimiter(storage)
        self.viewer_rate: RateLimitItem = parse(viewer_rate)
        self.ip_rate: RateLimitItem = parse(ip_rate)
        self.description = description

    @classmethod
    def in_memory(cls, viewer_rate: str, ip_rate: str) -> WindowRateLimiter:
        storage = _SweptMemoryStorage()
        return cls(storage, viewer_rate, ip_rate, "this process's memory (one process only)")

    @classmethod
    def on_redis(
        cls, url: str, pool: ConnectionPool, viewer_rate: str, ip_rate: str
    ) -> WindowRateLimiter:
        """On the connection pool the counter store already holds (redis-py; no second
        client library, no second set of connections)."""
        uri = f"async+redis+{url}" if url.startswith("unix://") else f"async+{url}"
        storage = RedisStorage(
            uri,
            implementation="redispy",
            key_prefix="kabinet:ratelimit",
            wrap_exceptions=True,
            connection_pool=pool,  # type: ignore[arg-type]  # passed through to redis-py
        )
        return cls(storage, viewer_rate, ip_rate, "redis (shared by every gateway process)")

    async def take(
        self, viewer_bucket: str | None, client_ip: str, cost: int
    ) -> RateLimitRefusal | None:
        # The viewer's bucket first: a viewer over their own limit is refused without
        # spending the address's bucket, which neighbours behind one NAT share.
        buckets: list[tuple[str, RateLimitItem, tuple[str, str]]] = []
        if viewer_bucket is not None:
            buckets.append(("VIEWER", self.viewer_rate, ("viewer", viewer_bucket)))
        if client_ip:  # unknown only on a Unix socket, where every client would share it
            buckets.append(("IP", self.ip_rate, ("ip", client_ip)))
        try:
            for limit, rate, identifiers in buckets:
                if not await self._limiter.hit(rate, *identifiers, cost=cost):
                    retry_after = await self._retry_after(rate, *identifiers, cost=cost)
                    return RateLimitRefusal(limit, retry_after)
        except _STORE_ERRORS:
            log.warning("rate limit store unavailable; request let through", exc_info=True)
        return None

    async def _retry_after(self, rate: RateLimitItem, *identifiers: str, cost: int) -> int:
        """Seconds until the bucket has room again (for one root field: the window's
        estimate, not a promise for `cost`); a request costing more than the whole limit
        never fits, and is told to wait a full window."""
        if cost > rate.amount:
            return rate.get_expiry()
        stats = await self._limiter.get_window_stats(rate, *identifiers)
        return max(1, math.ceil(stats.reset_time - time.time()))
