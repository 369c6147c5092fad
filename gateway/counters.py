"""Counter stores shared by every gateway process: Redis when REDIS_URL is set, otherwise
the database (correct across processes on one database, slower than Redis)."""

from __future__ import annotations

import time

from redis.asyncio import Redis

from resolvers.sql import fetch_all

_INCREMENT_SQL = """
INSERT INTO rate_counters (key, count, expires_at_ms) VALUES (?, 1, ?)
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN rate_counters.expires_at_ms <= ? THEN 1 ELSE rate_counters.count + 1 END,
  expires_at_ms = CASE WHEN rate_counters.expires_at_ms <= ?
                       THEN excluded.expires_at_ms ELSE rate_counters.expires_at_ms END
RETURNING count
"""
_READ_SQL = "SELECT count, expires_at_ms FROM rate_counters WHERE key = ? AND expires_at_ms > ?"
_HOLD_SQL = """
INSERT INTO rate_counters (key, count, expires_at_ms) VALUES (?, 1, ?)
ON CONFLICT (key) DO UPDATE SET count = 1, expires_at_ms = excluded.expires_at_ms
RETURNING count
"""
_DELETE_SQL = "DELETE FROM rate_counters WHERE key = ? RETURNING key"
# Takes the key only if it is free or expired: returns a row to exactly one claimant.
_CLAIM_SQL = """
INSERT INTO rate_counters (key, count, expires_at_ms) VALUES (?, 1, ?)
ON CONFLICT (key) DO UPDATE SET count = 1, expires_at_ms = excluded.expires_at_ms
WHERE rate_counters.expires_at_ms <= ?
RETURNING key
"""


def _now_ms() -> int:
    return int(time.time() * 1000)


class DatabaseCounterStore:
    """One upsert per increment: atomic on SQLite and PostgreSQL alike."""

    async def increment(self, key: str, ttl_seconds: int) -> int:
        now = _now_ms()
        rows = await fetch_all(_INCREMENT_SQL, [key, now + ttl_seconds * 1000, now, now])
        return int(rows[0]["count"])

    async def count(self, key: str) -> int:
        rows = await fetch_all(_READ_SQL, [key, _now_ms()])
        return int(rows[0]["count"]) if rows else 0

    async def seconds_left(self, key: str) -> int:
        now = _now_ms()
        rows = await fetch_all(_READ_SQL, [key, now])
        return -(-(int(rows[0]["expires_at_ms"]) - now) // 1000) if rows else 0

    async def hold(self, key: str, ttl_seconds: int) -> None:
        await fetch_all(_HOLD_SQL, [key, _now_ms() + ttl_seconds * 1000])

    async def delete(self, key: str) -> None:
        await fetch_all(_DELETE_SQL, [key])

    async def claim(self, key: str, ttl_seconds: int) -> bool:
        now = _now_ms()
        return bool(await fetch_all(_CLAIM_SQL, [key, now + ttl_seconds * 1000, now]))


class RedisCounterStore:
    def __init__(self, redis: Redis, prefix: str = "kabinet:") -> None:
        self.redis = redis
        self.prefix = prefix

    @classmethod
    def from_url(cls, url: str) -> RedisCounterStore:
        return cls(Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2))

    async def increment(self, key: str, ttl_seconds: int) -> int:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(self.prefix + key)
            pipe.expire(self.prefix + key, ttl_seconds, nx=True)
            count, _ = await pipe.execute()
        return int(count)

    async def count(self, key: str) -> int:
        value = await self.redis.get(self.prefix + key)
        return int(value) if value is not None else 0

    async def seconds_left(self, key: str) -> int:
        ttl = await self.redis.ttl(self.prefix + key)
        return max(0, int(ttl))

    async def hold(self, key: str, ttl_seconds: int) -> None:
        await self.redis.set(self.prefix + key, 1, ex=ttl_seconds)

    async def delete(self, key: str) -> None:
        await self.redis.delete(self.prefix + key)

    async def claim(self, key: str, ttl_seconds: int) -> bool:
        return bool(await self.redis.set(self.prefix + key, 1, ex=ttl_seconds, nx=True))

    async def ping(self) -> bool:
        return bool(await self.redis.ping())

    async def close(self) -> None:
        await self.redis.aclose()
