"""Live balance changes: published after a money transaction commits, fanned out to every
gateway process through the EventBus (resolvers/services.py), followed by subscribers.

An event only says "number N changed at T"; each subscriber then reads the balance itself,
through the same reach and access rules as a request, so it always gets the committed
balance (never one older than the event), and a revoked grant or token ends the stream at
its next event.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from permissions.levels import Level, allows
from permissions.viewer import Viewer
from resolvers.errors import NotFound, Unauthenticated, refusal
from resolvers.reach import load_reach
from resolvers.services import EventBus, Services

log = logging.getLogger("kabinet.events")

READ_BALANCE = "balance:read"
# Who may follow a balance: the same as who may read Number.balance.
FOLLOW_LEVEL = Level.FULL

# The viewer as of now: a WebSocket connection re-checks its token before every event, so
# revocation and expiry end a subscription on the next event, as they end a session's next
# request.
ViewerCheck = Callable[[], Awaitable[Viewer]]


@dataclass(frozen=True, slots=True)
class BalanceSnapshot:
    msisdn: str | None  # None for a home contract
    amount: int  # minor units
    currency: str
    at: datetime
    contract_number: str | None = None


def balance_channel(number_id: int) -> str:
    return f"balance:{number_id}"


async def publish_balance_changed(services: Services, number_id: int) -> None:
    """Announces that a number's balance changed. Call it AFTER the transaction commits, so
    subscribers read the committed balance. Never raises: the money has moved either way,
    and a missed live update must not turn a successful payment into an error."""
    if services.events is None:
        return
    message = json.dumps({"at": services.clock().isoformat()})
    try:
        await services.events.publish(balance_channel(number_id), message)
    except Exception:  # any bus failure means the same: this one update is not delivered
        log.warning("could not publish the balance change of number %s", number_id, exc_info=True)


async def follow_balance(
    services: Services, number_id: int, current_viewer: ViewerCheck
) -> AsyncIterator[BalanceSnapshot]:
    """The current balance, then the balance after every change. The caller has checked the
    viewer's level on the number (the field's @access); the token is re-checked here, before
    the stream starts, so an expired one is the operation's error rather than a stream item."""
    events = services.events
    if events is None:
        raise RuntimeError("live events are not configured in this process")
    viewer = await current_viewer()
    if viewer.is_anonymous:
        raise Unauthenticated("Sign in first.")
    return _follow(events, services, number_id, viewer, current_viewer)


async def _follow(
    events: EventBus,
    services: Services,
    number_id: int,
    viewer: Viewer,
    current_viewer: ViewerCheck,
) -> AsyncIterator[BalanceSnapshot]:
    # Listening before reading: a change committed in between is announced, not lost.
    async with events.subscribe(balance_channel(number_id)) as messages:
        last = await balance_now(services, viewer, number_id, services.clock())
        yield last
        async for message in messages:
            at = _event_time(message)
            viewer = await current_viewer()
            current = await balance_now(services, viewer, number_id, at or services.clock())
            if at is None and (current.amount, current.currency) == (last.amount, last.currency):
                continue  # the bus reconnected and nothing was missed
            last = current
            yield current


async def balance_now(
    services: Services, viewer: Viewer, number_id: int, at: datetime
) -> BalanceSnapshot:
    """The number's committed balance, if the viewer may read it now: NOT_FOUND when they
    no longer reach the number (like a number that does not exist), FORBIDDEN below FULL."""
    if viewer.is_anonymous:
        raise Unauthenticated("Sign in first.")
    reach = await load_reach(viewer, services.clock())
    row = reach.numbers.get(number_id)
    level = reach.level(number_id)
    if row is None or level is Level.NONE:
        raise NotFound("No such number.")
    if not allows(viewer, level, FOLLOW_LEVEL, READ_BALANCE):
        raise refusal(viewer, level, FOLLOW_LEVEL, READ_BALANCE)
    # No balance row yet means no ledger entries: the balance is zero.
    return BalanceSnapshot(
        msisdn=row.msisdn,
        contract_number=row.contract_number,
        amount=row.balance_amount or 0,
        currency=row.balance_currency or "RUB",
        at=at,
    )


def _event_time(message: str) -> datetime | None:
    """When the change was published; None for EVENTS_MAY_HAVE_BEEN_MISSED or a message
    this version does not understand (then the read time stands in)."""
    try:
        return datetime.fromisoformat(json.loads(message)["at"])
    except (ValueError, KeyError, TypeError):
        return None
