"""Saved cards: brand, last four digits, expiry and the provider's token; nothing more."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from models import AutopayRule, PaymentCard
from permissions.viewer import Viewer
from resolvers.access.common import subscriber_of
from resolvers.errors import BadUserInput, NotFound
from resolvers.services import InvalidCard, Services

MAX_CARDS = 10


async def add_card(services: Services, viewer: Viewer, token: str) -> PaymentCard:
    subscriber_id = subscriber_of(viewer)
    assert services.payments is not None
    try:
        details = await services.payments.describe_card(token.strip())
    except InvalidCard as exc:
        raise BadUserInput(
            "The payment provider does not know this card token.", field="token"
        ) from exc
    if await PaymentCard.filter(subscriber_id=subscriber_id, removed_at=None).count() >= MAX_CARDS:
        raise BadUserInput(f"At most {MAX_CARDS} cards can be saved.")
    return await PaymentCard.create(
        subscriber_id=subscriber_id,
        brand=details.brand,
        last4=details.last4,
        exp_month=details.exp_month,
        exp_year=details.exp_year,
        provider=services.payments.name,
        provider_token=token.strip(),
        created_at=services.clock(),
    )


async def list_cards(viewer: Viewer) -> list[PaymentCard]:
    if viewer.subscriber_id is None:
        return []
    return await PaymentCard.filter(subscriber_id=viewer.subscriber_id, removed_at=None).order_by(
        "id"
    )


async def remove_card(services: Services, viewer: Viewer, card_id: int) -> PaymentCard:
    subscriber_id = subscriber_of(viewer)
    card = await PaymentCard.get_or_none(id=card_id, subscriber_id=subscriber_id, removed_at=None)
    if card is None:
        raise NotFound("No such saved card.")
    async with in_transaction():
        card.removed_at = services.clock()
        await card.save(update_fields=["removed_at"])
        # An autopay rule must not go on charging a card its owner removed.
        await AutopayRule.filter(card_id=card.id).delete()
    return card
