"""Delivering the outbox, after the commit of what each message tells about.

A worker claims a batch of due rows by pushing their next attempt forward by a lease (and
counting the attempt), in one short transaction: on PostgreSQL the rows are picked with
`FOR UPDATE SKIP LOCKED`, so several workers take disjoint batches; SQLite serialises
writers and runs the same code. A worker that dies mid-delivery leaves its rows to be
claimed again when the lease is over. A failed delivery is retried with a growing pause,
then marked FAILED with the error kept (and logged): never dropped silently.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models import Notification, NotificationChannel, NotificationStatus
from resolvers.services import EmailMessage, Services, utc_now

log = logging.getLogger("kabinet.notifications")

BATCH = 50
LEASE = timedelta(minutes=5)  # far above one SMTP or SMS provider call with its timeout
MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(seconds=30)  # then 2 min, 8 min, 32 min
ERROR_MAX = 300


@dataclass(frozen=True)
class Claimed:
    id: int
    channel: NotificationChannel
    address: str
    subject: str
    text: str
    attempts: int


def retry_delay(attempts: int) -> timedelta:
    """The pause after the `attempts`-th failed attempt."""
    return FIRST_RETRY * 4 ** (attempts - 1)


async def claim_due(now: datetime, batch: int = BATCH) -> list[Claimed]:
    async with in_transaction():
        ids = (
            await Notification.filter(status=NotificationStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .limit(batch)
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)
        )
        if not ids:
            return []
        await Notification.filter(id__in=ids).update(
            next_attempt_at=now + LEASE, attempts=F("attempts") + 1
        )
        rows: list[dict[str, Any]] = await Notification.filter(id__in=ids).values(
            "id", "channel", "address", "subject", "text", "attempts"
        )
    return [Claimed(**row) for row in sorted(rows, key=lambda row: row["id"])]


async def deliver_due(services: Services, now: datetime | None = None) -> Counter[str]:
    """Delivers what is due; returns how many were SENT, RETRY (failed, will be retried)
    and FAILED (given up on)."""
    outcomes: Counter[str] = Counter()
    for message in await claim_due(now or services.clock()):
        outcomes[await _deliver_one(services, message)] += 1
    return outcomes


async def _deliver_one(services: Services, message: Claimed) -> str:
    try:
        await _send(services, message)
    except Exception as exc:  # any failure of the port is this message's, not the batch's
        return await _failed(services, message, f"{type(exc).__name__}: {exc}")
    await _finish(message, status=NotificationStatus.SENT, at=services.clock())
    return "SENT"


async def _send(services: Services, message: Claimed) -> None:
    if message.channel is NotificationChannel.SMS:
        await services.sms.send(message.address, message.text)
        return
    if services.email is None:
        raise RuntimeError("no e-mail sender is configured in this process")
    await services.email.send(EmailMessage(message.address, message.subject, message.text))


async def _failed(services: Services, message: Claimed, error: str) -> str:
    now = services.clock()
    error = error[:ERROR_MAX]
    if message.attempts >= MAX_ATTEMPTS:
        await _finish(message, status=NotificationStatus.FAILED, at=now, error=error)
        # The address is the subscriber's, the text may be private: name the row only.
        log.error(
            "notification %s (%s) FAILED after %s attempts: %s",
            message.id,
            message.channel,
            message.attempts,
            error,
        )
        return "FAILED"
    await Notification.filter(id=message.id, attempts=message.attempts).update(
        next_attempt_at=now + retry_delay(message.attempts), last_error=error
    )
    log.warning(
        "notification %s (%s) attempt %s failed, retried later: %s",
        message.id,
        message.channel,
        message.attempts,
        error,
    )
    return "RETRY"


async def _finish(
    message: Claimed, *, status: NotificationStatus, at: datetime, error: str | None = None
) -> None:
    # Guarded by the attempt count: a row whose lease ran out and was claimed again by
    # another worker is that worker's to finish.
    fields: dict[str, Any] = {"status": status, "finished_at": at}
    if error is not None:
        fields["last_error"] = error
    await Notification.filter(
        id=message.id, attempts=message.attempts, status=NotificationStatus.PENDING
    ).update(**fields)


async def failed_notifications(limit: int = 100) -> list[dict[str, Any]]:
    """The newest given-up messages, for the operator (`kabinet notifications failed`)."""
    return (
        await Notification.filter(status=NotificationStatus.FAILED)
        .order_by("-finished_at", "-id")
        .limit(limit)
        .values(
            "id",
            "subscriber_id",
            "topic",
            "channel",
            "address",
            "attempts",
            "last_error",
            "created_at",
            "finished_at",
        )
    )


async def retry_failed(ids: list[int], now: datetime | None = None) -> int:
    """Puts FAILED messages back in the queue with fresh attempts (the operator's call, once
    the cause is mended); returns how many were FAILED."""
    return await Notification.filter(id__in=ids, status=NotificationStatus.FAILED).update(
        status=NotificationStatus.PENDING,
        attempts=0,
        next_attempt_at=now or utc_now(),
        finished_at=None,
    )
