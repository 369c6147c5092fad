"""Tickets' rows: reading them as plain dicts, and the one write every move goes through
(a message and/or a status change, under the ticket's row lock, in one transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from models import SupportTicket, TicketEvent, TicketMessage, TicketSide, TicketStatus
from resolvers.errors import Conflict, NotFound
from resolvers.support.notices import tell_subscriber
from resolvers.support.transitions import Move, next_status

Row = dict[str, Any]
TICKET_COLUMNS = (
    "id",
    "number_id",
    "subscriber_id",
    "opened_by_partner_id",
    "topic",
    "status",
    "created_at",
    "updated_at",
    "resolved_at",
)
MESSAGE_COLUMNS = (
    "id",
    "ticket_id",
    "side",
    "author_subscriber_id",
    "author_partner_id",
    "text",
    "created_at",
)
EVENT_COLUMNS = ("id", "ticket_id", "from_status", "to_status", "side", "created_at")
# A conversation this long is a matter for the phone: and a bound on what one ticket holds.
MAX_MESSAGES = 200
NO_SUCH_TICKET = "No such ticket."


@dataclass(frozen=True)
class Mover:
    """Who makes a move: the subscriber's side (a subscriber or a partner app) or an
    operator (by their login on the support desk)."""

    side: TicketSide
    subscriber_id: int | None = None
    partner_id: int | None = None
    operator: str | None = None


async def ticket_row(ticket_id: int) -> Row | None:
    rows = await SupportTicket.filter(id=ticket_id).values(*TICKET_COLUMNS)
    return rows[0] if rows else None


async def move(
    ticket_id: int,
    how: Move,
    mover: Mover,
    text: str | None,
    now: datetime,
) -> Row:
    """Applies a move: the message (if any), the status change (if any), the ticket's
    times, and what the subscriber is told of an operator's move. Returns the ticket's
    row."""
    async with in_transaction():
        # The row lock orders concurrent moves on one ticket: each sees the status the
        # previous one left (SQLite has one writer at a time anyway).
        ticket = await SupportTicket.select_for_update().get_or_none(id=ticket_id)
        if ticket is None:
            raise NotFound(NO_SUCH_TICKET)
        after = next_status(ticket.status, how, ticket.resolved_at, now)
        if text is not None:
            if await TicketMessage.filter(ticket_id=ticket_id).count() >= MAX_MESSAGES:
                raise Conflict(
                    f"The ticket has {MAX_MESSAGES} messages, the most one may hold: open a "
                    "new one or call support.",
                    reason="TOO_MANY_MESSAGES",
                )
            await TicketMessage.create(
                ticket_id=ticket_id,
                side=mover.side,
                author_subscriber_id=mover.subscriber_id,
                author_partner_id=mover.partner_id,
                operator=mover.operator,
                text=text,
                created_at=now,
            )
        before = ticket.status
        if after is not before:
            await record_change(ticket_id, before, after, mover, now)
        ticket.status = after
        ticket.updated_at = now
        if after is TicketStatus.RESOLVED:
            ticket.resolved_at = now
        await ticket.save(update_fields=["status", "updated_at", "resolved_at"])
        await tell_subscriber(ticket, how, text)
    found = await ticket_row(ticket_id)
    assert found is not None
    return found


async def record_change(
    ticket_id: int,
    before: TicketStatus | None,
    after: TicketStatus,
    mover: Mover,
    now: datetime,
) -> None:
    await TicketEvent.create(
        ticket_id=ticket_id,
        from_status=before,
        to_status=after,
        side=mover.side,
        actor_subscriber_id=mover.subscriber_id,
        actor_partner_id=mover.partner_id,
        operator=mover.operator,
        created_at=now,
    )
