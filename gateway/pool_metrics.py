"""Database pool use in the metrics: sampled every few seconds in each gateway process
(asyncpg's pool counts are plain attribute reads; sampling on a timer keeps them off the
request path). SQLite has no pool: nothing is reported for it."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from prometheus_client import Gauge

POOL_CONNECTIONS = Gauge(
    "kabinet_db_pool_connections",
    "PostgreSQL pool connections by state (open, in_use, max), over all workers",
    ["state"],
    multiprocess_mode="livesum",  # a dead worker's pool is gone with it
)
SAMPLE_SECONDS = 5.0


def _pool() -> Any:
    from tortoise import connections

    with contextlib.suppress(Exception):  # no connection configured (yet): no pool
        return getattr(connections.get("default"), "_pool", None)
    return None


def sample_pool() -> bool:
    """Records the pool's counts now; False when there is no pool (SQLite)."""
    pool = _pool()
    if pool is None:
        return False
    size, idle = pool.get_size(), pool.get_idle_size()
    POOL_CONNECTIONS.labels("open").set(size)
    POOL_CONNECTIONS.labels("in_use").set(size - idle)
    POOL_CONNECTIONS.labels("max").set(pool.get_max_size())
    return True


async def sample_pool_every(seconds: float = SAMPLE_SECONDS) -> None:
    while True:
        sample_pool()
        await asyncio.sleep(seconds)
