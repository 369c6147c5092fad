"""Telling the subscriber that the operator moved their ticket: through notify() (topic
TICKETS, the channels they chose), inside the move's transaction, so the message exists
exactly when the move has committed; the worker delivers it."""

from __future__ import annotations

from models import NotificationTopic, SupportTicket
from resolvers.notifications import notify
from resolvers.support.transitions import Move

_EXCERPT = 120


async def tell_subscriber(ticket: SupportTicket, how: Move, text: str | None) -> None:
    """Of the operator's moves only: the subscriber's own side knows what it did."""
    if how is Move.OPERATOR_REPLIES:
        subject = f"Ответ по обращению №{ticket.id}"
    elif how is Move.OPERATOR_RESOLVES:
        subject = f"Обращение №{ticket.id} решено"
    else:
        return
    body = f"{subject}."
    if text:
        excerpt = text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"
        body = f"{subject}: {excerpt}"
    body += "\nПодробнее в личном кабинете."
    await notify(
        ticket.subscriber_id, NotificationTopic.TICKETS, subject, body, number_id=ticket.number_id
    )
