"""The demo's support ticket: Анна asked about a charge on her number, and the operator
answered (PENDING_CUSTOMER), so the README has a conversation to continue."""

from __future__ import annotations

from datetime import datetime, timedelta

from models import (
    Number,
    Subscriber,
    SupportTicket,
    TicketEvent,
    TicketMessage,
    TicketSide,
    TicketStatus,
    TicketTopic,
)

DEMO_OPERATOR = "support-demo"
_ASKED = "Почему в этом месяце списали больше обычного? Я ничего не подключала."
_ANSWERED = (
    "Здравствуйте, Анна! Это разовое списание за мобильный интернет сверх пакета "
    "3 числа. Пришлите, пожалуйста, удобное время для звонка, если нужны подробности."
)


async def seed_demo_ticket(owner: Subscriber, number: Number, now: datetime) -> None:
    opened, answered = now - timedelta(days=2), now - timedelta(days=1)
    ticket = await SupportTicket.create(
        number=number,
        subscriber=owner,
        topic=TicketTopic.BILLING,
        status=TicketStatus.PENDING_CUSTOMER,
        created_at=opened,
        updated_at=answered,
    )
    await TicketMessage.bulk_create(
        [
            TicketMessage(
                ticket=ticket,
                side=TicketSide.SUBSCRIBER,
                author_subscriber=owner,
                text=_ASKED,
                created_at=opened,
            ),
            TicketMessage(
                ticket=ticket,
                side=TicketSide.OPERATOR,
                operator=DEMO_OPERATOR,
                text=_ANSWERED,
                created_at=answered,
            ),
        ]
    )
    await TicketEvent.bulk_create(
        [
            TicketEvent(
                ticket=ticket,
                to_status=TicketStatus.ACKNOWLEDGED,
                side=TicketSide.SUBSCRIBER,
                actor_subscriber=owner,
                created_at=opened,
            ),
            TicketEvent(
                ticket=ticket,
                from_status=TicketStatus.ACKNOWLEDGED,
                to_status=TicketStatus.PENDING_CUSTOMER,
                side=TicketSide.OPERATOR,
                operator=DEMO_OPERATOR,
                created_at=answered,
            ),
        ]
    )
