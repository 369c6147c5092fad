"""Redis pub/sub: events reach every gateway process that shares the Redis."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from redis.asyncio import Redis

from gateway.events import fanout
from gateway.events.fanout import _ListeningBus
from resolvers.services import EVENTS_MAY_HAVE_BEEN_MISSED

log = logging.getLogger("kabinet.events")


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
            Redis.from_url(
                url, socket_timeout=fanout.COMMAND_TIMEOUT_SECONDS, socket_connect_timeout=2
            )
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
                message = await pubsub.get_message(timeout=fanout.HEALTH_CHECK_SECONDS)
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
            async with asyncio.timeout(fanout.COMMAND_TIMEOUT_SECONDS):
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
