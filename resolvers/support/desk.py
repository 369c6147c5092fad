"""The operator's side of support (the support desk of a small operator, on the command
line): the queue, one ticket with its conversation and history, replying and resolving.
Each move is recorded with the operator's login and told to the subscriber."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models import SupportTicket, TicketEvent, TicketMessage, TicketSide, TicketStatus
from resolvers.errors import NotFound
from resolvers.support.store import NO_SUCH_TICKET, TICKET_COLUMNS, Mover, Row, move
from resolvers.support.text import ticket_text
from resolvers.support.transitions import Move

# The operator's turn first: what waits for an answer, oldest first.
_QUEUE_ORDER = {
    TicketStatus.ACKNOWLEDGED: 0,
    TicketStatus.IN_PROGRESS: 1,
    TicketStatus.PENDING_CUSTOMER: 2,
    TicketStatus.RESOLVED: 3,
    TicketStatus.CLOSED: 4,
}


@dataclass(frozen=True)
class TicketFile:
    """One ticket as the desk shows it: with the number, the subscriber, the conversation
    and the status history."""

    ticket: Row
    messages: list[Row]
    events: list[Row]


async def queue(status: TicketStatus | None = None) -> list[Row]:
    """Tickets with their number and subscriber; without a status, every ticket not
    closed, the operator's turn first, oldest first."""
    query = SupportTicket.all() if status else SupportTicket.exclude(status=TicketStatus.CLOSED)
    if status:
        query = query.filter(status=status)
    rows = await query.order_by("id").values(
        *TICKET_COLUMNS, msisdn="number__msisdn", phone="subscriber__phone"
    )
    return sorted(rows, key=lambda row: (_QUEUE_ORDER[TicketStatus(row["status"])], row["id"]))


async def ticket_file(ticket_id: int) -> TicketFile:
    rows = await SupportTicket.filter(id=ticket_id).values(
        *TICKET_COLUMNS,
        msisdn="number__msisdn",
        phone="subscriber__phone",
        name="subscriber__full_name",
    )
    if not rows:
        raise NotFound(NO_SUCH_TICKET)
    messages = (
        await TicketMessage.filter(ticket_id=ticket_id)
        .order_by("id")
        .values("side", "operator", "text", "created_at", author_phone="author_subscriber__phone")
    )
    events = (
        await TicketEvent.filter(ticket_id=ticket_id)
        .order_by("id")
        .values("from_status", "to_status", "side", "operator", "created_at")
    )
    return TicketFile(rows[0], messages, events)


def _operator(login: str) -> Mover:
    return Mover(TicketSide.OPERATOR, operator=login[:64])


async def reply(ticket_id: int, text: str, operator: str, now: datetime) -> Row:
    said = ticket_text(text)
    return await move(ticket_id, Move.OPERATOR_REPLIES, _operator(operator), said, now)


async def resolve(ticket_id: int, text: str | None, operator: str, now: datetime) -> Row:
    said = ticket_text(text) if text is not None else None
    return await move(ticket_id, Move.OPERATOR_RESOLVES, _operator(operator), said, now)
