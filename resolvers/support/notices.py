"""Telling the subscriber that the operator moved their ticket.

Until the notifications module (their preferences, an outbox delivered after commit) is
merged, this is the one place that tells them: an SMS to the ticket's subscriber, sent
after the move committed. A failed SMS is logged and never undoes the move.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from models import Subscriber, SupportTicket
from resolvers.services import Services, SmsDeliveryError
from resolvers.support.transitions import Move

log = logging.getLogger("kabinet.support")
_EXCERPT = 120


@dataclass(frozen=True)
class Notice:
    subscriber_id: int
    number_id: int
    subject: str
    text: str


def notice_of(ticket: SupportTicket, how: Move, text: str | None) -> Notice | None:
    """What the subscriber is told of a move; None for their own side's moves."""
    if how is Move.OPERATOR_REPLIES:
        subject = f"Ответ по обращению №{ticket.id}"
    elif how is Move.OPERATOR_RESOLVES:
        subject = f"Обращение №{ticket.id} решено"
    else:
        return None
    body = f"{subject}."
    if text:
        excerpt = text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"
        body = f"{subject}: {excerpt}"
    body += "\nПодробнее в личном кабинете."
    return Notice(ticket.subscriber_id, ticket.number_id, subject, body)


async def deliver(services: Services, notice: Notice) -> None:
    phone = await Subscriber.filter(id=notice.subscriber_id).values_list("phone", flat=True)
    if not phone:
        return
    try:
        await services.sms.send(phone[0], notice.text)
    except SmsDeliveryError:
        log.warning("ticket notice not delivered", extra={"subscriber_id": notice.subscriber_id})
