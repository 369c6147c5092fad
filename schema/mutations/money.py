from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry import relay

from resolvers.context import RequestContext
from resolvers.money import cards, topups
from resolvers.reach import NumberRow
from schema.types.number import Number
from schema.types.payments import Payment, PaymentCard

Info = strawberry.Info[RequestContext, None]


@strawberry.input
class TopUpInput:
    msisdn: str
    amount: Decimal = strawberry.field(description='In rubles, e.g. "150.00".')
    idempotency_key: str = strawberry.field(
        description="A key of the client's choosing; retrying with it never pays twice."
    )
    payment_method_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A saved card."
    )
    card_token: str | None = strawberry.field(
        default=None, description="A provider's card token (sandbox: tok_visa...)."
    )


@strawberry.type
class TopUpPayload:
    payment: Payment
    number: Number | None = strawberry.field(
        description="The number as the viewer may see it (null for a payment agent)."
    )


def _pk(global_id: relay.GlobalID | None, type_name: str) -> int | None:
    if global_id is None:
        return None
    return (
        int(global_id.node_id)
        if global_id.type_name == type_name and global_id.node_id.isdigit()
        else 0
    )


@strawberry.type
class MoneyMutation:
    @strawberry.mutation(
        description="Tops a number up (TOPUP access or above; partners need `topup`, payment "
        "agents `topup:any`). Idempotent by idempotencyKey."
    )
    async def top_up(self, info: Info, input: TopUpInput) -> TopUpPayload:
        ctx = info.context
        payment = await topups.top_up(
            ctx.services,
            ctx.loaders,
            ctx.viewer,
            topups.TopUpRequest(
                msisdn=input.msisdn,
                amount=input.amount,
                idempotency_key=input.idempotency_key,
                payment_method_id=_pk(input.payment_method_id, "PaymentCard"),
                card_token=input.card_token,
            ),
        )
        reach = await ctx.loaders.reach()
        row: NumberRow | None = reach.numbers.get(payment.number_id)
        level = reach.level(payment.number_id)
        number = Number.from_row(row, level, ctx.viewer) if row and level else None
        return TopUpPayload(payment=Payment.from_row(payment), number=number)

    @strawberry.mutation(description="Saves a card from a provider's token.")
    async def add_payment_card(self, info: Info, token: str) -> PaymentCard:
        ctx = info.context
        return PaymentCard.from_row(await cards.add_card(ctx.services, ctx.viewer, token))

    @strawberry.mutation(description="Removes a saved card.")
    async def remove_payment_card(self, info: Info, id: relay.GlobalID) -> PaymentCard:
        ctx = info.context
        card_id = _pk(id, "PaymentCard") or 0
        return PaymentCard.from_row(await cards.remove_card(ctx.services, ctx.viewer, card_id))
