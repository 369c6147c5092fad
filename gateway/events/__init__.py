"""EventBus adapters (the port is in resolvers/services.py), chosen by configuration:
Redis pub/sub when REDIS_URL is set, PostgreSQL LISTEN/NOTIFY on a PostgreSQL database,
and an in-process bus for SQLite (one process only).

Every adapter keeps this process's subscribers in memory and holds ONE connection for
listening, shared by all of them: a subscriber costs a queue, not a connection. A channel is
listened to while it has a subscriber here and dropped with its last one. After a lost
connection the adapter reconnects, listens again, and tells every subscriber that messages
may have been missed.
"""

from __future__ import annotations

from gateway.config import Settings
from gateway.events.fanout import (
    PG_CHANNEL_MAX_BYTES,
    QUEUE_LIMIT,
    InProcessEventBus,
)
from gateway.events.postgres_bus import PostgresEventBus
from gateway.events.redis_bus import RedisEventBus
from resolvers.services import EventBus

__all__ = [
    "PG_CHANNEL_MAX_BYTES",
    "QUEUE_LIMIT",
    "InProcessEventBus",
    "PostgresEventBus",
    "RedisEventBus",
    "build_event_bus",
]


def build_event_bus(settings: Settings) -> EventBus:
    if settings.redis_url:
        return RedisEventBus.from_url(settings.redis_url)
    if not settings.is_sqlite:
        return PostgresEventBus.from_database_url(settings.database_url)
    return InProcessEventBus()
