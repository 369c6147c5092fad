from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry import relay

from models import AutopayKind as StoredAutopayKind
from permissions.levels import MANAGE
from resolvers.context import RequestContext
from resolvers.errors import BadUserInput, Forbidden, NotFound
from resolvers.money import autopay, cards, rows, topups, trust
from resolvers.money.amounts import to_minor_units
from resolvers.money.payments import announce_balance
from resolvers.operations.records import actor_on
from resolvers.reach import NumberRow
from schema.directives import access_mutation
from schema.ids import pk_of
from schema.lookahead import selects_any
from schema.mutations.locate import (
    LineContractNumber,
    LineMsisdn,
    contract_number_field,
    line_named,
    located,
    msisdn_field,
)
from schema.types.access_level import AccessLevel
from schema.types.line import Line
from schema.types.lines import line_of
from schema.types.number import Number
from schema.types.payments import Payment, PaymentCard
from schema.types.trust_autopay import Autopay, AutopayKind, TrustPayment

Info = strawberry.Info[RequestContext, None]
FULL = AccessLevel.FULL
_NUMBER_FIELD = frozenset({"number", "line"})


@strawberry.input
class TopUpInput:
    msisdn: str | None = msisdn_field()
    contract_number: str | None = contract_number_field()
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
        description="The number as the viewer may see it (null for a payment agent, and "
        "for a home contract: see line)."
    )
    line: Line | None = strawberry.field(
        description="The line as the viewer may see it (null for a payment agent)."
    )


@strawberry.input
class AutopayInput:
    msisdn: str | None = msisdn_field()
    contract_number: str | None = contract_number_field()
    kind: AutopayKind
    amount: Decimal = strawberry.field(description="Y: how much each autopay tops up.")
    payment_method_id: relay.GlobalID = strawberry.field(description="A saved card of yours.")
    threshold: Decimal | None = strawberry.field(
        default=None, description="THRESHOLD: top up when the balance drops below this."
    )
    day_of_month: int | None = strawberry.field(default=None, description="MONTHLY: 1 to 28.")
    monthly_cap: Decimal | None = strawberry.field(
        default=None, description="The most autopay may pay in a calendar month."
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
                contract_number=input.contract_number,
                amount=input.amount,
                idempotency_key=input.idempotency_key,
                payment_method_id=(
                    pk_of(input.payment_method_id, "PaymentCard")
                    if input.payment_method_id is not None
                    else None
                ),
                card_token=input.card_token,
            ),
        )
        line = None
        if selects_any(info, _NUMBER_FIELD):  # the reach is reloaded only when asked for
            reach = await ctx.loaders.reach()
            row: NumberRow | None = reach.numbers.get(payment.number_id)
            level = reach.level(payment.number_id)
            line = line_of(row, reach, ctx.viewer) if row and level else None
        number = line if isinstance(line, Number) else None
        return TopUpPayload(payment=Payment.from_row(payment), number=number, line=line)

    @strawberry.mutation(description="Saves a card from a provider's token.")
    async def add_payment_card(self, info: Info, token: str) -> PaymentCard:
        ctx = info.context
        return PaymentCard.from_row(await cards.add_card(ctx.services, ctx.viewer, token))

    @strawberry.mutation(description="Removes a saved card.")
    async def remove_payment_card(self, info: Info, id: relay.GlobalID) -> PaymentCard:
        ctx = info.context
        card_id = pk_of(id, "PaymentCard")
        return PaymentCard.from_row(await cards.remove_card(ctx.services, ctx.viewer, card_id))

    @access_mutation(
        FULL,
        line_named,
        scope=MANAGE,
        description="Takes a trust payment: credited at once, due in 3 days, repaid first "
        "by the next top-ups.",
    )
    async def take_trust_payment(
        self,
        info: Info,
        amount: Decimal,
        msisdn: LineMsisdn = None,
        contract_number: LineContractNumber = None,
    ) -> TrustPayment:
        ctx = info.context
        row = await located(info, msisdn, contract_number)
        try:
            minor = to_minor_units(amount, "RUB")
        except ValueError as exc:
            raise BadUserInput(str(exc), field="amount") from exc
        reach = await ctx.loaders.reach()
        actor = await actor_on(ctx.viewer, row, reach.level(row.id))
        taken = await trust.take(
            row.id, minor, ctx.viewer.subscriber_id, ctx.services.clock(), actor
        )
        await announce_balance(ctx.services, row.id)
        ctx.loaders.forget_reach()
        return TrustPayment.from_row(taken, ctx.services.clock())

    @access_mutation(
        FULL,
        line_named,
        scope=MANAGE,
        description="Sets (or replaces) the number's autopay rule, paying from your saved card.",
    )
    async def set_autopay(self, info: Info, input: AutopayInput) -> Autopay:
        ctx = info.context
        if ctx.viewer.subscriber_id is None:
            raise Forbidden("Only a subscriber with a saved card can set autopay.")
        row = await located(info, input.msisdn, input.contract_number)
        rule = await autopay.set_rule(
            ctx.services,
            ctx.viewer.subscriber_id,
            row.id,
            autopay.AutopaySettings(
                kind=StoredAutopayKind(input.kind.value),
                amount=input.amount,
                card_id=pk_of(input.payment_method_id, "PaymentCard"),
                threshold=input.threshold,
                day_of_month=input.day_of_month,
                monthly_cap=input.monthly_cap,
            ),
        )
        made = await rows.autopay_rule(pk=rule.id)
        assert made is not None  # just written, in this request
        return Autopay.from_row(made, made["card_last4"])

    @access_mutation(FULL, line_named, scope=MANAGE, description="Removes the autopay rule.")
    async def remove_autopay(
        self, info: Info, msisdn: LineMsisdn = None, contract_number: LineContractNumber = None
    ) -> bool:
        row = await located(info, msisdn, contract_number)
        if not await autopay.remove_rule(row.id):
            raise NotFound("This number has no autopay rule.")
        return True
