"""Event bus adapters: fan-out in one process, and across processes through PostgreSQL or
Redis (two bus objects with their own connections stand for two gateway processes)."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator

import pytest

from gateway.config import Settings
from gateway.events import (
    PG_CHANNEL_MAX_BYTES,
    QUEUE_LIMIT,
    InProcessEventBus,
    PostgresEventBus,
    RedisEventBus,
    build_event_bus,
)
from gateway.events import fanout as events_module
from resolvers.events import publish_balance_changed
from resolvers.services import EVENTS_MAY_HAVE_BEEN_MISSED, EventBus, Services
from resolvers.sql import fetch_all
from tests.conftest import TEST_REDIS_URL
from tests.support.database import is_postgres_url

TIMEOUT = 10


async def next_message(messages: AsyncIterator[str]) -> str:
    async with asyncio.timeout(TIMEOUT):
        return await anext(messages)


async def nothing_arrives(messages: AsyncIterator[str], seconds: float = 0.2) -> bool:
    try:
        async with asyncio.timeout(seconds):
            await anext(messages)
    except TimeoutError:
        return True
    return False


def channel() -> str:
    """A channel no other test run uses (Redis pub/sub ignores the database number)."""
    return f"test:{secrets.token_hex(6)}"


async def test_in_process_bus_delivers_to_the_channel_subscribers_only():
    bus = InProcessEventBus()
    watched, other = channel(), channel()
    async with bus.subscribe(watched) as first, bus.subscribe(watched) as second:
        async with bus.subscribe(other) as elsewhere:
            await bus.publish(watched, "hello")
            assert await next_message(first) == "hello"
            assert await next_message(second) == "hello"
            assert await nothing_arrives(elsewhere)


async def test_in_process_bus_forgets_subscribers_that_leave():
    bus = InProcessEventBus()
    name = channel()
    async with bus.subscribe(name):
        assert bus.subscriber_count(name) == 1
    assert bus.subscriber_count(name) == 0
    await bus.publish(name, "nobody listens")  # no error, nothing kept


async def test_a_slow_subscriber_keeps_the_newest_messages():
    bus = InProcessEventBus()
    name = channel()
    async with bus.subscribe(name) as messages:
        for i in range(QUEUE_LIMIT + 5):
            await bus.publish(name, str(i))
        assert await next_message(messages) == "5"


async def test_in_process_bus_says_it_is_single_process_at_start(caplog):
    with caplog.at_level(logging.INFO, logger="kabinet.events"):
        await InProcessEventBus().start()
    assert "single process" in caplog.text


def test_the_bus_follows_the_settings():
    assert isinstance(build_event_bus(Settings(database_url="sqlite://x.db")), InProcessEventBus)
    redis = build_event_bus(Settings(redis_url="redis://127.0.0.1:6379/0"))
    assert isinstance(redis, RedisEventBus)
    postgres = build_event_bus(
        Settings(database_url="postgres://u:p@db:5432/kabinet?schema=blue&sslmode=require")
    )
    assert isinstance(postgres, PostgresEventBus)
    assert postgres.dsn == "postgresql://u:p@db:5432/kabinet?sslmode=require"
    assert postgres.namespace == "blue"


def test_postgres_channel_names_fit_an_identifier():
    bus = PostgresEventBus("postgresql://db/kabinet", namespace="kabinet_test_123456_abcdef")
    short, long = bus.pg_channel("balance:1"), bus.pg_channel("balance:" + "9" * 80)
    assert short == "kabinet.kabinet_test_123456_abcdef.balance:1"
    assert len(long.encode()) <= PG_CHANNEL_MAX_BYTES
    assert long == bus.pg_channel("balance:" + "9" * 80) != bus.pg_channel("balance:" + "8" * 80)


class BrokenBus(InProcessEventBus):
    async def publish(self, channel: str, message: str) -> None:
        raise ConnectionError("bus down")


async def test_a_failed_publish_does_not_fail_the_payment(caplog):
    services = Services(secret_key="x" * 32, counters=None, sms=None, events=BrokenBus())  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger="kabinet.events"):
        await publish_balance_changed(services, 7)
    assert "number 7" in caplog.text


# Across processes ------------------------------------------------------------------------


def _shared_backends(database_url: str) -> list[str]:
    backends = ["postgres"] if is_postgres_url(database_url) else []
    return [*backends, "redis"] if TEST_REDIS_URL else backends


@pytest.fixture(params=["postgres", "redis"])
def backend(request) -> str:
    return request.param


def _make_bus(backend: str, database_url: str) -> EventBus:
    if backend == "postgres":
        return PostgresEventBus.from_database_url(database_url)
    assert TEST_REDIS_URL
    return RedisEventBus.from_url(TEST_REDIS_URL)


@pytest.fixture
async def two_processes(backend, database_url) -> AsyncIterator[tuple[EventBus, EventBus]]:
    if backend not in _shared_backends(database_url):
        pytest.skip(
            f"cross-process delivery through {backend} needs "
            + (
                "KABINET_TEST_DATABASE_URL=postgres://..."
                if backend == "postgres"
                else "KABINET_TEST_REDIS_URL=redis://..."
            )
        )
    publisher, subscriber = _make_bus(backend, database_url), _make_bus(backend, database_url)
    try:
        yield publisher, subscriber
    finally:
        await publisher.close()
        await subscriber.close()


async def test_an_event_reaches_a_subscriber_of_another_process(two_processes):
    publisher, subscriber = two_processes
    watched, other = channel(), channel()
    async with subscriber.subscribe(watched) as messages, subscriber.subscribe(other) as others:
        await publisher.publish(watched, "balance moved")
        assert await next_message(messages) == "balance moved"
        assert await nothing_arrives(others)


async def test_a_channel_is_dropped_with_its_last_subscriber(two_processes):
    publisher, subscriber = two_processes
    name = channel()
    async with subscriber.subscribe(name):
        pass
    async with subscriber.subscribe(name) as messages:  # listened to again, from scratch
        await publisher.publish(name, "again")
        assert await next_message(messages) == "again"
    assert subscriber.subscriber_count(name) == 0


async def test_a_lost_connection_is_restored_and_says_so(two_processes, backend, monkeypatch):
    monkeypatch.setattr(events_module, "RETRY_SECONDS", (0.05, 1.0))
    publisher, subscriber = two_processes
    name = channel()
    async with subscriber.subscribe(name) as messages, asyncio.timeout(TIMEOUT):
        await _kill_listening_connection(backend, subscriber)
        assert await anext(messages) == EVENTS_MAY_HAVE_BEEN_MISSED
        # A message published while the bus reconnects is lost, and announced as such by
        # another EVENTS_MAY_HAVE_BEEN_MISSED: publish again after each one.
        while True:
            await publisher.publish(name, "after the outage")
            if await anext(messages) == "after the outage":
                break


async def test_an_idle_connection_is_checked_and_kept(two_processes, monkeypatch):
    monkeypatch.setattr(events_module, "HEALTH_CHECK_SECONDS", 0.05)
    publisher, subscriber = two_processes
    name = channel()
    async with subscriber.subscribe(name) as messages:
        await asyncio.sleep(0.4)  # several health checks, no message
        await publisher.publish(name, "still here")
        assert await next_message(messages) == "still here"


async def _kill_listening_connection(backend: str, bus: EventBus) -> None:
    """From the server's side, as a restart or a network cut would."""
    if backend == "postgres":
        assert isinstance(bus, PostgresEventBus) and bus._connection is not None
        await fetch_all("SELECT pg_terminate_backend(?)", [bus._connection.get_server_pid()])
        return
    assert isinstance(bus, RedisEventBus) and bus._pubsub is not None
    local_port = bus._pubsub.connection._writer.get_extra_info("sockname")[1]
    clients = (await bus.redis.execute_command("CLIENT", "LIST", "TYPE", "pubsub")).decode()
    for line in clients.splitlines():
        fields = dict(item.split("=", 1) for item in line.split(" ") if "=" in item)
        if fields["addr"].endswith(f":{local_port}"):
            await bus.redis.execute_command("CLIENT", "KILL", "ID", fields["id"])
            return
    raise AssertionError("the listening connection was not found")
