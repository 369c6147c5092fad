"""One money object by id, as a plain row: what `node(id:)` and the mutations' answers are
made from (schema/ reads rows; it does not query)."""

from __future__ import annotations

from typing import Any

from models import AutopayRule, LedgerEntry, Payment, PaymentCard, TrustPayment

Row = dict[str, Any]


async def payment(pk: int) -> Row | None:
    rows = await Payment.filter(id=pk).values()
    return rows[0] if rows else None


async def ledger_entry(pk: int) -> Row | None:
    rows = await LedgerEntry.filter(id=pk).values()
    return rows[0] if rows else None


async def live_card(pk: int, subscriber_id: int) -> PaymentCard | None:
    """The subscriber's own card, unless removed."""
    return await PaymentCard.get_or_none(id=pk, subscriber_id=subscriber_id, removed_at=None)


async def trust_payment(pk: int) -> TrustPayment | None:
    return await TrustPayment.get_or_none(id=pk)


async def autopay_rule(*, pk: int | None = None, number_id: int | None = None) -> Row | None:
    """An autopay rule by its id or its number's, with its card's last four digits."""
    found = AutopayRule.filter(id=pk) if pk is not None else AutopayRule.filter(number_id=number_id)
    rows = await found.values(
        "id",
        "number_id",
        "kind",
        "amount",
        "threshold",
        "day_of_month",
        "monthly_cap",
        "armed",
        card_last4="card__last4",
    )
    return rows[0] if rows else None
