"""PostgreSQL LISTEN/NOTIFY: events reach every gateway process on the same database."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

from gateway.events import fanout
from gateway.events.fanout import _ListeningBus
from resolvers.services import EVENTS_MAY_HAVE_BEEN_MISSED
from resolvers.sql import fetch_all

log = logging.getLogger("kabinet.events")


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
        if len(name.encode()) > fanout.PG_CHANNEL_MAX_BYTES:
            name = "kabinet." + hashlib.sha256(name.encode()).hexdigest()[:40]
        return name

    async def publish(self, channel: str, message: str) -> None:
        # Through the application's pool: NOTIFY is short, only listening needs its own
        # connection. Inside a transaction it would be sent at commit, which is also right.
        await fetch_all("SELECT pg_notify(?, ?)", [self.pg_channel(channel), message])

    async def _session(self) -> None:
        connection = await asyncpg.connect(self.dsn, timeout=fanout.COMMAND_TIMEOUT_SECONDS)
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _connection: lost.set())
        try:
            async with self._lock, asyncio.timeout(fanout.COMMAND_TIMEOUT_SECONDS):
                for channel in self._inboxes:
                    await self._add_listener(connection, channel)
                self._connection = connection
                self._connected.set()
            self._deliver_everywhere(EVENTS_MAY_HAVE_BEEN_MISSED)
            while not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(fanout.HEALTH_CHECK_SECONDS):
                        await lost.wait()
                if not lost.is_set():
                    async with self._lock, asyncio.timeout(fanout.COMMAND_TIMEOUT_SECONDS):
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
            async with asyncio.timeout(fanout.COMMAND_TIMEOUT_SECONDS):
                if command == "LISTEN":
                    await self._add_listener(connection, channel)
                else:
                    await connection.remove_listener(self.pg_channel(channel), self._notified)
        except Exception as exc:  # drop the connection: the supervisor reconnects
            log.warning("live events: %s %s failed: %r", command, channel, exc)
            connection.terminate()
