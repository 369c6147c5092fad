"""`node(id:)` for the money objects: each visible exactly where its own path shows it
(Number.payments, balanceHistory, trustPayment, autopay need FULL with the path's scope;
viewer.paymentCards are the viewer's own cards). Anything else is None, i.e. NOT_FOUND."""

from __future__ import annotations

from typing import Any

import strawberry

from permissions.levels import SEE_NUMBERS, Level, allows
from resolvers.context import RequestContext
from resolvers.events import READ_BALANCE
from resolvers.money import rows
from schema.types import payments, trust_autopay

Info = strawberry.Info[RequestContext, None]


async def _sees(info: Info, number_id: int, scope: str) -> bool:
    reach = await info.context.loaders.reach()
    return allows(info.context.viewer, reach.level(number_id), Level.FULL, scope)


async def payment(info: Info, pk: int) -> Any:
    row, viewer = await rows.payment(pk), info.context.viewer
    if row is None:
        return None
    # The payer saw it in its topUp answer (a TOPUP delegate or a payment agent too).
    paid_it = (
        viewer.subscriber_id is not None and row["payer_subscriber_id"] == viewer.subscriber_id
    ) or (viewer.partner_app_id is not None and row["payer_partner_id"] == viewer.partner_app_id)
    if not (paid_it or await _sees(info, row["number_id"], READ_BALANCE)):
        return None
    return payments.Payment.from_row(row)


async def ledger_entry(info: Info, pk: int) -> Any:
    row = await rows.ledger_entry(pk)
    if row is None or not await _sees(info, row["number_id"], READ_BALANCE):
        return None
    return payments.LedgerEntry.from_row(row)


async def payment_card(info: Info, pk: int) -> Any:
    viewer = info.context.viewer
    if viewer.subscriber_id is None or viewer.line_id is not None:
        return None  # a contract's session has no saved cards (viewer.paymentCards is empty)
    card = await rows.live_card(pk, viewer.subscriber_id)
    return payments.PaymentCard.from_row(card) if card else None


async def trust_payment(info: Info, pk: int) -> Any:
    row = await rows.trust_payment(pk)
    if row is None or not await _sees(info, row.number_id, SEE_NUMBERS):
        return None
    return trust_autopay.TrustPayment.from_row(row, info.context.services.clock())


async def autopay(info: Info, pk: int) -> Any:
    rule = await rows.autopay_rule(pk=pk)
    if rule is None or not await _sees(info, rule["number_id"], SEE_NUMBERS):
        return None
    return trust_autopay.Autopay.from_row(rule, rule["card_last4"])
