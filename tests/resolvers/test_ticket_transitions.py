"""The ticket's status moves, as a table: every (status, move) pair, and the reopening
window."""

from datetime import UTC, datetime, timedelta

import pytest

from models import TicketStatus
from resolvers.errors import Conflict
from resolvers.support.transitions import REOPEN_WINDOW, Move, next_status, reopenable_until

NOW = datetime(2026, 11, 16, 12, tzinfo=UTC)
RECENTLY = NOW - timedelta(days=1)
A = TicketStatus.ACKNOWLEDGED
P = TicketStatus.IN_PROGRESS
C = TicketStatus.PENDING_CUSTOMER
R = TicketStatus.RESOLVED
X = TicketStatus.CLOSED
WRITES, CLOSES = Move.SUBSCRIBER_WRITES, Move.SUBSCRIBER_CLOSES
REPLIES, RESOLVES = Move.OPERATOR_REPLIES, Move.OPERATOR_RESOLVES

# status: (subscriber writes, subscriber closes, operator replies, operator resolves);
# a string is the CONFLICT's reason.
TABLE = {
    A: (A, X, C, R),
    P: (P, X, C, R),
    C: (P, X, C, R),
    R: (P, X, C, "TICKET_RESOLVED"),
    X: ("TICKET_CLOSED",) * 4,
}


@pytest.mark.parametrize(
    ("status", "move", "expected"),
    [
        (status, move, after)
        for status, row in TABLE.items()
        for move, after in zip((WRITES, CLOSES, REPLIES, RESOLVES), row, strict=True)
    ],
)
def test_every_status_and_move(status, move, expected):
    resolved_at = RECENTLY if status is R else None
    if isinstance(expected, TicketStatus):
        assert next_status(status, move, resolved_at, NOW) is expected
    else:
        with pytest.raises(Conflict) as refused:
            next_status(status, move, resolved_at, NOW)
        assert refused.value.extensions == {"code": "CONFLICT", "reason": expected}


def test_subscriber_reopens_a_resolved_ticket_only_within_the_window():
    last_moment = NOW - REOPEN_WINDOW
    assert next_status(R, WRITES, last_moment, NOW) is P
    with pytest.raises(Conflict) as refused:
        next_status(R, WRITES, last_moment - timedelta(seconds=1), NOW)
    assert refused.value.extensions["reason"] == "REOPEN_WINDOW_PASSED"
    assert refused.value.message == "The ticket was resolved more than 7 days ago: open a new one."
    # Closing and the operator's answer are not bound by the window.
    assert next_status(R, CLOSES, last_moment - timedelta(days=30), NOW) is X
    assert next_status(R, REPLIES, last_moment - timedelta(days=30), NOW) is C


def test_reopenable_until_only_for_a_resolved_ticket():
    assert reopenable_until(R, RECENTLY) == RECENTLY + REOPEN_WINDOW
    assert reopenable_until(C, None) is None
    assert reopenable_until(X, RECENTLY) is None
