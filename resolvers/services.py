"""The process-wide collaborators resolvers need: the shared counter store, the SMS sender,
the token key and the clock. Built once per process by the gateway; ports, not adapters."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from ipaddress import IPv4Network, IPv6Network
from typing import Any, Protocol

log = logging.getLogger("kabinet.services")


class SmsSender(Protocol):
    async def send(self, to: str, text: str) -> None:
        """Delivers one SMS or raises SmsDeliveryError."""


class SmsDeliveryError(Exception):
    """The SMS provider did not accept the message."""


@dataclass(frozen=True)
class EmailAttachment:
    filename: str
    content_type: str  # e.g. "application/pdf"
    data: bytes


@dataclass(frozen=True)
class EmailMessage:
    """One e-mail to one address: plain text (never rendered as markup), attachments."""

    to: str
    subject: str
    text: str
    attachments: tuple[EmailAttachment, ...] = ()


class EmailSender(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Delivers one e-mail or raises EmailDeliveryError."""


class EmailDeliveryError(Exception):
    """The mail server did not accept the message (worth retrying later)."""


class CounterStore(Protocol):
    """Counters with an expiry, consistent across every gateway process."""

    async def increment(self, key: str, ttl_seconds: int) -> int:
        """Adds one; a missing or expired counter starts at 1 and lives ttl_seconds."""

    async def count(self, key: str) -> int: ...

    async def seconds_left(self, key: str) -> int:
        """Seconds until the counter expires; 0 if it does not exist."""

    async def hold(self, key: str, ttl_seconds: int) -> None:
        """Sets a flag that lives ttl_seconds (a lock-out, a cooldown)."""

    async def claim(self, key: str, ttl_seconds: int) -> bool:
        """Takes a free or expired key for ttl_seconds; True for exactly one claimant."""

    async def delete(self, key: str) -> None: ...


@dataclass(frozen=True)
class RateLimitRefusal:
    """Which bucket refused a request, and in how many seconds it has room again."""

    limit: str  # "VIEWER" (a subscriber or a partner app) or "IP" (the client address)
    retry_after: int


class RateLimiter(Protocol):
    """Request rate limits: a bucket per viewer and one per client address."""

    description: str  # where the buckets live, for the start-up log

    async def take(
        self, viewer_bucket: str | None, client_ip: str, cost: int
    ) -> RateLimitRefusal | None:
        """Takes `cost` from the viewer's bucket (None: anonymous, none), then from the
        address's; None when both had room, else the refusal. A refused request is not
        counted in the bucket that refused it (but the viewer's has paid when the address's
        refuses)."""


@dataclass(frozen=True)
class CardDetails:
    brand: str
    last4: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True)
class ChargeResult:
    succeeded: bool
    reference: str | None = None
    failure_code: str | None = None  # e.g. card_declined, insufficient_funds, timeout


class InvalidCard(Exception):
    """The provider does not know the card token."""


class PaymentProvider(Protocol):
    name: str

    async def describe_card(self, token: str) -> CardDetails:
        """Brand, last four digits and expiry of a card token; raises InvalidCard."""

    async def charge(
        self, token: str, amount: int, currency: str, idempotency_key: str
    ) -> ChargeResult:
        """Charges the card once per idempotency key; never raises for a refusal."""

    async def lookup(self, idempotency_key: str) -> ChargeResult | None:
        """What became of a charge key (for settling interrupted payments); None if the
        provider never saw it."""


@dataclass(frozen=True)
class MoneyLimits:
    """Top-up limits in minor units (configurable; see the README's settings table)."""

    topup_min: int = 1000
    topup_max: int = 1_500_000
    daily_per_payer: int = 5_000_000


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class BackgroundTasks:
    """Fire-and-forget work (SMS delivery) that must not delay or shape a response,
    kept referenced until done so it is not garbage-collected mid-flight."""

    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def spawn(self, coroutine: Coroutine[Any, Any, Any], what: str) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._finished(done, what))

    def _finished(self, task: asyncio.Task[Any], what: str) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task failed: %s", what, exc_info=task.exception())

    async def drain(self) -> None:
        """Waits for everything spawned so far (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


# Delivered to every subscriber after the bus lost and regained its connection: messages
# may have been missed meanwhile, so re-read the state instead of trusting the last one.
EVENTS_MAY_HAVE_BEEN_MISSED = ""


class EventBus(Protocol):
    """Messages published in any gateway process reach the subscribers of the same channel
    in every process. Live notifications only: no history, no replay, at most once (after a
    lost connection subscribers get EVENTS_MAY_HAVE_BEEN_MISSED)."""

    description: str  # how far messages travel, for the start-up log

    async def start(self) -> None:
        """Connects eagerly (optional: publish and subscribe connect on first use)."""

    async def publish(self, channel: str, message: str) -> None: ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[AsyncIterator[str]]:
        """Listening once entered (so nothing published after that is lost); leaving stops it."""

    async def close(self) -> None: ...


@dataclass
class Services:
    secret_key: str
    counters: CounterStore
    sms: SmsSender
    # None outside the gateway and the worker (scripts, benchmarks): nothing is e-mailed.
    email: EmailSender | None = None
    payments: PaymentProvider | None = None
    limits: MoneyLimits = field(default_factory=MoneyLimits)
    # Free SMS a number may send from the cabinet a day (FREE_SMS_DAILY_LIMIT).
    free_sms_daily_limit: int = 50
    background: BackgroundTasks = field(default_factory=BackgroundTasks)
    clock: Callable[[], datetime] = utc_now
    # None outside the gateway (scripts, benchmarks): nothing is published or followed.
    events: EventBus | None = None
    # None outside the gateway (scripts, benchmarks, unit tests): nothing is rate limited.
    rate_limiter: RateLimiter | None = None
    # Where many subscribers share one address (RATE_LIMIT_SHARED_NETWORKS).
    shared_networks: tuple[IPv4Network | IPv6Network, ...] = ()
