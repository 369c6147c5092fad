"""How a ticket's status moves: one pure function and its table. No I/O.

The subscriber writing moves the ticket to the operator's turn (IN_PROGRESS) once the
operator has answered; the operator answering moves it to the subscriber's turn
(PENDING_CUSTOMER); the operator resolves (RESOLVED); the subscriber may reopen a resolved
ticket by writing to it within REOPEN_WINDOW, or close it (CLOSED, final) at any time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from models.support import TicketStatus
from resolvers.errors import Conflict

REOPEN_WINDOW = timedelta(days=7)

ACKNOWLEDGED = TicketStatus.ACKNOWLEDGED
IN_PROGRESS = TicketStatus.IN_PROGRESS
PENDING_CUSTOMER = TicketStatus.PENDING_CUSTOMER
RESOLVED = TicketStatus.RESOLVED
CLOSED = TicketStatus.CLOSED


class Move(StrEnum):
    SUBSCRIBER_WRITES = "SUBSCRIBER_WRITES"
    SUBSCRIBER_CLOSES = "SUBSCRIBER_CLOSES"
    OPERATOR_REPLIES = "OPERATOR_REPLIES"
    OPERATOR_RESOLVES = "OPERATOR_RESOLVES"


# (status, move) -> the next status. A pair not in the table is refused.
NEXT: dict[tuple[TicketStatus, Move], TicketStatus] = {
    (ACKNOWLEDGED, Move.SUBSCRIBER_WRITES): ACKNOWLEDGED,
    (IN_PROGRESS, Move.SUBSCRIBER_WRITES): IN_PROGRESS,
    (PENDING_CUSTOMER, Move.SUBSCRIBER_WRITES): IN_PROGRESS,
    (RESOLVED, Move.SUBSCRIBER_WRITES): IN_PROGRESS,  # reopened, within the window
    (ACKNOWLEDGED, Move.SUBSCRIBER_CLOSES): CLOSED,
    (IN_PROGRESS, Move.SUBSCRIBER_CLOSES): CLOSED,
    (PENDING_CUSTOMER, Move.SUBSCRIBER_CLOSES): CLOSED,
    (RESOLVED, Move.SUBSCRIBER_CLOSES): CLOSED,
    (ACKNOWLEDGED, Move.OPERATOR_REPLIES): PENDING_CUSTOMER,
    (IN_PROGRESS, Move.OPERATOR_REPLIES): PENDING_CUSTOMER,
    (PENDING_CUSTOMER, Move.OPERATOR_REPLIES): PENDING_CUSTOMER,
    (RESOLVED, Move.OPERATOR_REPLIES): PENDING_CUSTOMER,  # the operator asks again
    (ACKNOWLEDGED, Move.OPERATOR_RESOLVES): RESOLVED,
    (IN_PROGRESS, Move.OPERATOR_RESOLVES): RESOLVED,
    (PENDING_CUSTOMER, Move.OPERATOR_RESOLVES): RESOLVED,
}


def next_status(
    status: TicketStatus, move: Move, resolved_at: datetime | None, now: datetime
) -> TicketStatus:
    """The status after `move`, or the CONFLICT that refuses it."""
    if status is CLOSED:
        raise Conflict(
            "The ticket is closed: open a new one if you need more help.", reason="TICKET_CLOSED"
        )
    if (
        status is RESOLVED
        and move is Move.SUBSCRIBER_WRITES
        and (resolved_at is None or now - resolved_at > REOPEN_WINDOW)
    ):
        raise Conflict(
            f"The ticket was resolved more than {REOPEN_WINDOW.days} days ago: open a new one.",
            reason="REOPEN_WINDOW_PASSED",
        )
    after = NEXT.get((status, move))
    if after is None:
        raise Conflict("The ticket is already resolved.", reason="TICKET_RESOLVED")
    return after


def is_open(status: TicketStatus) -> bool:
    """Counts against the subscriber's open tickets: nobody has finished with it."""
    return status not in (RESOLVED, CLOSED)


def reopenable_until(status: TicketStatus, resolved_at: datetime | None) -> datetime | None:
    if status is not RESOLVED or resolved_at is None:
        return None
    return resolved_at + REOPEN_WINDOW
