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

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator
from contextvars import Context
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
from redis.asyncio import Redis

from gateway.config import Settings
from resolvers.services import EVENTS_MAY_HAVE_BEEN_MISSED, EventBus
from resolvers.sql import fetch_all

log = logging.getLogger("kabinet.events")

QUEUE_LIMIT = 64  # per subscriber; a slow one loses its oldest messages, never the newest
HEALTH_CHECK_SECONDS = 30.0  # an idle listening connection is proved alive this often
COMMAND_TIMEOUT_SECONDS = 5.0
RETRY_SECONDS = (0.5, 30.0)  # reconnect back-off: first and longest wait
PG_CHANNEL_MAX_BYTES = 63  # PostgreSQL truncates longer identifiers in LISTEN, not in NOTIFY


class _Inbox:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[str] = asyncio.Queue(QUEUE_LIMIT)

    def __aiter__(self) -> _Inbox:
        return self

    async def __anext__(self) -> str:
        return await self.queue.get()

    def put(self, message: str) -> None:
        if self.queue.full():
            self.queue.get_nowait()
        self.queue.put_nowait(message)


class _FanOutBus:
    """This process's subscribers per channel; adapters add listening and publishing."""

    description = "in-process"

    def __init__(self) -> None:
        self._inboxes: dict[str, set[_Inbox]] = {}
        # One listening connection: LISTEN/UNLISTEN, SUBSCRIBE/UNSUBSCRIBE go one at a time,
        # in the order subscribers came and went.
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        log.info("live events: %s", self.description)

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[str]]:
        await self._ready()
        inbox = _Inbox()
        try:
            async with self._lock:
                first = channel not in self._inboxes
                self._inboxes.setdefault(channel, set()).add(inbox)
                if first:
                    await self._listen(channel)
            yield inbox
        finally:
            # Forget the inbox at once (no await: safe even when cancelled mid-subscribe),
            # then stop listening unless someone subscribed to the channel again meanwhile.
            inboxes = self._inboxes.get(channel, set())
            inboxes.discard(inbox)
            if not inboxes and self._inboxes.pop(channel, None) is not None:
                async with self._lock:
                    if channel not in self._inboxes:
                        await self._unlisten(channel)

    def subscriber_count(self, channel: str) -> int:
        return len(self._inboxes.get(channel, ()))

    def _deliver(self, channel: str, message: str) -> None:
        for inbox in self._inboxes.get(channel, ()):
            inbox.put(message)

    def _deliver_everywhere(self, message: str) -> None:
        for channel in self._inboxes:
            self._deliver(channel, message)

    async def _ready(self) -> None:
        """Adapters: wait (briefly) for the listening connection before a first subscribe."""

    async def _listen(self, channel: str) -> None:
        """Adapters: start receiving the channel, confirmed by the server when this returns;
        must not raise (log, then recover by reconnecting)."""

    async def _unlisten(self, channel: str) -> None: ...


class InProcessEventBus(_FanOutBus):
    description = "in-process (single process: other processes' events are not seen)"

    async def publish(self, channel: str, message: str) -> None:
        self._deliver(channel, message)

    async def close(self) -> None:
        pass


class _ListeningBus(_FanOutBus):
    """Runs a supervisor task that connects, listens to every channel with a subscriber
    here, proves the connection alive while idle, and reconnects with back-off."""

    def __init__(self) -> None:
        super().__init__()
        self._supervisor: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()

    async def start(self) -> None:
        await super().start()
        self._ensure_supervisor()

    def _ensure_supervisor(self) -> None:
        if self._supervisor is None or self._supervisor.done():
            # A context of its own: it must not log under the first subscriber's request id.
            self._supervisor = asyncio.create_task(self._supervise(), context=Context())

    async def _supervise(self) -> None:
        loop = asyncio.get_running_loop()
        first, longest = RETRY_SECONDS
        delay = first
        while True:
            started = loop.time()
            try:
                await self._session()
            except Exception as exc:  # any failure means the same: reconnect
                log.warning("live events: %s listener lost: %r", self.description, exc)
            # A session that lived a while earns a quick reconnect; failing ones back off.
            delay = first if loop.time() - started > longest else min(delay * 2, longest)
            await asyncio.sleep(delay)

    async def _session(self) -> None:
        """Connect, listen to every channel, deliver until the connection is lost."""
        raise NotImplementedError

    async def _ready(self) -> None:
        self._ensure_supervisor()
        # Not forever: with the backend down a subscriber still gets its first answer, and
        # EVENTS_MAY_HAVE_BEEN_MISSED once the connection is back.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(COMMAND_TIMEOUT_SECONDS):
                await self._connected.wait()

    async def close(self) -> None:
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
            self._supervisor = None


class RedisEventBus(_ListeningBus):
    description = "redis pub/sub (shared by every process)"

    def __init__(self, redis: Redis, prefix: str = "kabinet:events:") -> None:
        super().__init__()
        self.redis = redis
        self.prefix = prefix
        self._pubsub: Any = None
        # SUBSCRIBE is answered on the reading side: the reader resolves these.
        self._confirmations: dict[str, asyncio.Future[None]] = {}

    @classmethod
    def from_url(cls, url: str) -> RedisEventBus:
        return cls(
            Redis.from_url(url, socket_timeout=COMMAND_TIMEOUT_SECONDS, socket_connect_timeout=2)
        )

    async def publish(self, channel: str, message: str) -> None:
        await self.redis.publish(self.prefix + channel, message)

    async def _session(self) -> None:
        pubsub = self.redis.pubsub()
        connection = None
        try:
            async with self._lock:
                # The heartbeat channel keeps the connection subscribed (and readable)
                # while no channel has a subscriber here.
                await pubsub.subscribe(self.prefix + "heartbeat", *map(self._key, self._inboxes))
                connection = pubsub.connection
                connection.register_connect_callback(self._reconnected)
                self._pubsub = pubsub
                self._connected.set()
            self._deliver_everywhere(EVENTS_MAY_HAVE_BEEN_MISSED)
            awaiting_pong = False
            while True:
                message = await pubsub.get_message(timeout=HEALTH_CHECK_SECONDS)
                if message is None:
                    if awaiting_pong:
                        raise ConnectionError("redis did not answer a ping")
                    await pubsub.ping()
                    awaiting_pong = True
                    continue
                awaiting_pong = False
                key = message["channel"].decode() if message.get("channel") else ""
                if message["type"] == "message":
                    self._deliver(key.removeprefix(self.prefix), message["data"].decode())
                elif message["type"] == "subscribe":
                    confirmed = self._confirmations.pop(key, None)
                    if confirmed is not None and not confirmed.done():
                        confirmed.set_result(None)
        finally:
            self._connected.clear()
            self._pubsub = None
            if connection is not None:  # it goes back to the pool: take our callback back
                connection.deregister_connect_callback(self._reconnected)
            for waiting in self._confirmations.values():
                if not waiting.done():
                    waiting.set_exception(ConnectionError("the listening connection was lost"))
            await pubsub.aclose()

    def _reconnected(self, _connection: Any) -> None:
        # redis-py reconnects and subscribes again by itself, but what was published while
        # the connection was down is gone.
        self._deliver_everywhere(EVENTS_MAY_HAVE_BEEN_MISSED)

    def _key(self, channel: str) -> str:
        return self.prefix + channel

    async def _listen(self, channel: str) -> None:
        pubsub = self._pubsub
        if pubsub is None:
            return  # not connected: the next session subscribes to every channel
        key = self._key(channel)
        confirmed = self._confirmations[key] = asyncio.get_running_loop().create_future()
        try:
            async with asyncio.timeout(COMMAND_TIMEOUT_SECONDS):
                await pubsub.subscribe(key)
                await confirmed
        except Exception as exc:
            await self._drop(pubsub, f"SUBSCRIBE {channel}", exc)
        finally:
            self._confirmations.pop(key, None)

    async def _unlisten(self, channel: str) -> None:
        pubsub = self._pubsub
        if pubsub is not None:
            try:
                await pubsub.unsubscribe(self._key(channel))
            except Exception as exc:
                await self._drop(pubsub, f"UNSUBSCRIBE {channel}", exc)

    async def _drop(self, pubsub: Any, command: str, exc: Exception) -> None:
        # Closing it fails the reader too; the next session subscribes to every channel.
        log.warning("live events: redis %s failed: %r", command, exc)
        await pubsub.aclose()

    async def close(self) -> None:
        await super().close()
        await self.redis.aclose()


class PostgresEventBus(_ListeningBus):
    description = "postgresql LISTEN/NOTIFY (shared by every process on this database)"

    def __init__(self, dsn: str, namespace: str = "") -> None:
        super().__init__()
        self.dsn = dsn
        # Deployments in different schemas of one database must not hear each other.
        self.namespace = namespace
        self._connection: asyncpg.Connection | None = None
        self._by_pg_channel: dict[str, str] = {}

    @classmethod
    def from_database_url(cls, url: str) -> PostgresEventBus:
        parts = urlsplit(url)
        query = parse_qsl(parts.query)
        schema = next((value for key, value in query if key == "schema"), "")
        # asyncpg reads unknown query parameters as server settings: keep only TLS ones.
        tls = [(key, value) for key, value in query if key.startswith("ssl")]
        dsn = urlunsplit(parts._replace(scheme="postgresql", query=urlencode(tls)))
        return cls(dsn, namespace=schema)

    def pg_channel(self, channel: str) -> str:
        name = f"kabinet.{self.namespace}.{channel}" if self.namespace else f"kabinet.{channel}"
        if len(name.encode()) > PG_CHANNEL_MAX_BYTES:
            name = "kabinet." + hashlib.sha256(name.encode()).hexdigest()[:40]
        return name

    async def publish(self, channel: str, message: str) -> None:
        # Through the application's pool: NOTIFY is short, only listening needs its own
        # connection. Inside a transaction it would be sent at commit, which is also right.
        await fetch_all("SELECT pg_notify(?, ?)", [self.pg_channel(channel), message])

    async def _session(self) -> None:
        connection = await asyncpg.connect(self.dsn, timeout=COMMAND_TIMEOUT_SECONDS)
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _connection: lost.set())
        try:
            async with self._lock, asyncio.timeout(COMMAND_TIMEOUT_SECONDS):
                for channel in self._inboxes:
                    await self._add_listener(connection, channel)
                self._connection = connection
                self._connected.set()
            self._deliver_everywhere(EVENTS_MAY_HAVE_BEEN_MISSED)
            while not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(HEALTH_CHECK_SECONDS):
                        await lost.wait()
                if not lost.is_set():
                    async with self._lock, asyncio.timeout(COMMAND_TIMEOUT_SECONDS):
                        await connection.execute("SELECT 1")
            raise ConnectionError("the listening connection was closed")
        finally:
            self._connected.clear()
            self._connection = None
            connection.terminate()

    async def _add_listener(self, connection: asyncpg.Connection, channel: str) -> None:
        pg_channel = self.pg_channel(channel)
        self._by_pg_channel[pg_channel] = channel
        await connection.add_listener(pg_channel, self._notified)

    def _notified(self, _connection: Any, _pid: int, pg_channel: str, payload: str) -> None:
        channel = self._by_pg_channel.get(pg_channel)
        if channel is not None:
            self._deliver(channel, payload)

    async def _listen(self, channel: str) -> None:
        # Not connected: the next session listens to every channel, this one included.
        if self._connection is not None:
            await self._command(self._connection, "LISTEN", channel)

    async def _unlisten(self, channel: str) -> None:
        if self._connection is not None:
            await self._command(self._connection, "UNLISTEN", channel)
        self._by_pg_channel.pop(self.pg_channel(channel), None)

    async def _command(self, connection: asyncpg.Connection, command: str, channel: str) -> None:
        try:
            async with asyncio.timeout(COMMAND_TIMEOUT_SECONDS):
                if command == "LISTEN":
                    await self._add_listener(connection, channel)
                else:
                    await connection.remove_listener(self.pg_channel(channel), self._notified)
        except Exception as exc:  # drop the connection: the supervisor reconnects
            log.warning("live events: %s %s failed: %r", command, channel, exc)
            connection.terminate()


def build_event_bus(settings: Settings) -> EventBus:
    if settings.redis_url:
        return RedisEventBus.from_url(settings.redis_url)
    if not settings.is_sqlite:
        return PostgresEventBus.from_database_url(settings.database_url)
    return InProcessEventBus()
