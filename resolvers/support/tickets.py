"""The subscriber's side of support: opening a ticket about a number, writing to it,
closing it, and the lists of tickets a viewer reads."""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from models import Account, Subscriber, SupportTicket, TicketMessage, TicketSide, TicketStatus
from permissions.support import can_read_tickets
from permissions.viewer import Viewer
from resolvers.errors import Conflict
from resolvers.reach import NumberRow, Reach
from resolvers.support.store import TICKET_COLUMNS, Mover, Row, move, record_change, ticket_row
from resolvers.support.text import ticket_text
from resolvers.support.transitions import Move

# Open (not yet resolved or closed) tickets one subscriber may have at once.
MAX_OPEN_TICKETS = 5
_OPEN = (TicketStatus.ACKNOWLEDGED, TicketStatus.IN_PROGRESS, TicketStatus.PENDING_CUSTOMER)


def mover_of(viewer: Viewer) -> Mover:
    return Mover(TicketSide.SUBSCRIBER, viewer.subscriber_id, viewer.partner_app_id)


async def open_ticket(
    viewer: Viewer, number: NumberRow, topic: str, text: str, now: datetime
) -> Row:
    """A new ticket, ACKNOWLEDGED, its text the first message. A partner app opens it for
    the number's owner (whom the operator answers)."""
    text = ticket_text(text)
    subscriber_id = viewer.subscriber_id
    if subscriber_id is None:
        owners = await Account.filter(id=number.account_id).values_list("owner_id", flat=True)
        subscriber_id = owners[0]
    mover = mover_of(viewer)
    async with in_transaction():
        # The subscriber's row lock makes the count and the insert one step: two tickets
        # opened at once cannot both be the fifth.
        await Subscriber.select_for_update().get(id=subscriber_id)
        if await SupportTicket.filter(subscriber_id=subscriber_id, status__in=_OPEN).count() >= (
            MAX_OPEN_TICKETS
        ):
            raise Conflict(
                f"There are already {MAX_OPEN_TICKETS} open tickets: wait for an answer, or "
                "close one you no longer need.",
                reason="TOO_MANY_OPEN_TICKETS",
            )
        ticket = await SupportTicket.create(
            number_id=number.id,
            subscriber_id=subscriber_id,
            opened_by_partner_id=viewer.partner_app_id,
            topic=topic,
            status=TicketStatus.ACKNOWLEDGED,
            created_at=now,
            updated_at=now,
        )
        await TicketMessage.create(
            ticket_id=ticket.id,
            side=TicketSide.SUBSCRIBER,
            author_subscriber_id=viewer.subscriber_id,
            author_partner_id=viewer.partner_app_id,
            text=text,
            created_at=now,
        )
        await record_change(ticket.id, None, TicketStatus.ACKNOWLEDGED, mover, now)
    found = await ticket_row(ticket.id)
    assert found is not None
    return found


async def write(viewer: Viewer, ticket_id: int, text: str, now: datetime) -> Row:
    return await move(ticket_id, Move.SUBSCRIBER_WRITES, mover_of(viewer), ticket_text(text), now)


async def close(viewer: Viewer, ticket_id: int, now: datetime) -> Row:
    return await move(ticket_id, Move.SUBSCRIBER_CLOSES, mover_of(viewer), None, now)


async def tickets_of_viewer(viewer: Viewer, reach: Reach, status: str | None) -> list[Row]:
    """The tickets opened by the viewer (a subscriber: also those a partner app opened for
    them), newest first, on numbers they still read tickets on."""
    if viewer.subscriber_id is not None:
        query = SupportTicket.filter(subscriber_id=viewer.subscriber_id)
    elif viewer.partner_app_id is not None:
        query = SupportTicket.filter(opened_by_partner_id=viewer.partner_app_id)
    else:
        return []
    if status is not None:
        query = query.filter(status=status)
    rows = await query.order_by("-id").values(*TICKET_COLUMNS)
    return [row for row in rows if can_read_tickets(viewer, reach.level(row["number_id"]))]
