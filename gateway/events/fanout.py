"""The fan-out core every EventBus adapter shares: this process's subscribers, one queue
each, and one listening connection for all of them (the adapters provide the connection)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextvars import Context

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
