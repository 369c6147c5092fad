from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from models import BlockReason as StoredBlockReason
from models import ForwardingCondition as StoredCondition
from permissions.levels import MANAGE
from resolvers.care import blocks, limits, settings
from resolvers.context import RequestContext
from resolvers.errors import BadUserInput
from resolvers.home.naming import mobile_only
from resolvers.money.amounts import to_minor_units
from schema.directives import access_mutation
from schema.mutations.locate import (
    LineContractNumber,
    LineMsisdn,
    contract_number_field,
    line_named,
    msisdn_field,
)
from schema.mutations.tariffs import KEY_HELP, OperationPayload, acting, payload
from schema.types.access_level import AccessLevel
from schema.types.care import BlockReason, CallForwardingRuleInput
from schema.types.operation import Operation

Info = strawberry.Info[RequestContext, None]
FULL, OWNER = AccessLevel.FULL, AccessLevel.OWNER


@strawberry.input
class BlockNumberInput:
    msisdn: str | None = msisdn_field()
    contract_number: str | None = contract_number_field()
    reason: BlockReason
    until: datetime | None = strawberry.field(
        default=None,
        description="When a VOLUNTARY block ends (at most 90 days ahead); none for LOST.",
    )
    idempotency_key: str | None = strawberry.field(default=None, description=KEY_HELP)


@strawberry.input
class NumberLimitsInput:
    msisdn: str | None = msisdn_field()
    contract_number: str | None = contract_number_field()
    monthly_spend_cap: Decimal | None = strawberry.field(
        default=None,
        description="RUB of fees and charges a calendar month past which the user's own "
        "paid operations are refused; null for no cap.",
    )
    forbidden_service_categories: list[str] = strawberry.field(default_factory=list)
    user_may_change_tariff: bool = True
    user_may_connect_services: bool = True


@strawberry.type
class CareMutation:
    @access_mutation(
        FULL,
        line_named,
        scope=MANAGE,
        description="Blocks the number: VOLUNTARY until a moment at most 90 days ahead "
        "(lifted then by the worker), or LOST until unblockNumber. A blocked number keeps "
        "its tariff and services; it can be topped up and read.",
    )
    async def block_number(self, info: Info, input: BlockNumberInput) -> OperationPayload:
        ctx = info.context
        row, actor = await acting(info, input.msisdn, input.contract_number)
        if input.reason is BlockReason.LOST:
            mobile_only(row, "A LOST block (of a lost or stolen SIM)")
        operation = await blocks.block_number(
            blocks.BlockRequest(
                row.id, StoredBlockReason(input.reason.value), input.until, input.idempotency_key
            ),
            actor,
            ctx.services.clock(),
        )
        return await payload(info, Operation.from_row(operation), row.id)

    @access_mutation(
        FULL, line_named, scope=MANAGE, description="Lifts the block in force, of any reason."
    )
    async def unblock_number(
        self,
        info: Info,
        idempotency_key: str | None = None,
        msisdn: LineMsisdn = None,
        contract_number: LineContractNumber = None,
    ) -> OperationPayload:
        ctx = info.context
        row, actor = await acting(info, msisdn, contract_number)
        operation = await blocks.unblock_number(
            row.id, actor, idempotency_key, ctx.services.clock()
        )
        return await payload(info, Operation.from_row(operation), row.id)

    @access_mutation(FULL, line_named, scope=MANAGE, description="Turns roaming on or off.")
    async def set_roaming(
        self,
        info: Info,
        enabled: bool,
        msisdn: LineMsisdn = None,
        contract_number: LineContractNumber = None,
    ) -> OperationPayload:
        ctx = info.context
        row, actor = await acting(info, msisdn, contract_number)
        mobile_only(row, "Roaming")
        operation = await settings.set_roaming(row.id, enabled, actor, None, ctx.services.clock())
        return await payload(info, Operation.from_row(operation), row.id)

    @access_mutation(
        FULL,
        line_named,
        scope=MANAGE,
        description="Replaces the call forwarding rules (an empty list turns forwarding "
        "off): one rule per condition, ALWAYS alone, a delay only for NO_ANSWER.",
    )
    async def set_call_forwarding(
        self,
        info: Info,
        rules: list[CallForwardingRuleInput],
        msisdn: LineMsisdn = None,
        contract_number: LineContractNumber = None,
    ) -> OperationPayload:
        ctx = info.context
        row, actor = await acting(info, msisdn, contract_number)
        mobile_only(row, "Call forwarding")
        wanted = [
            settings.ForwardingRule(
                StoredCondition(rule.condition.value), rule.to, rule.delay_seconds
            )
            for rule in rules
        ]
        operation = await settings.set_call_forwarding(
            row.id, str(row.msisdn), wanted, actor, None, ctx.services.clock()
        )
        return await payload(info, Operation.from_row(operation), row.id)

    @access_mutation(
        OWNER,
        line_named,
        description="Sets what the number's user may do (replacing earlier limits). The "
        "user sees them as Number.limits; owners and delegates are not held by them.",
    )
    async def set_number_limits(self, info: Info, input: NumberLimitsInput) -> OperationPayload:
        ctx = info.context
        row, actor = await acting(info, input.msisdn, input.contract_number)
        mobile_only(row, "Parental limits")
        cap = None
        if input.monthly_spend_cap is not None:
            try:
                cap = to_minor_units(input.monthly_spend_cap, "RUB")
            except ValueError as exc:
                raise BadUserInput(str(exc), field="monthlySpendCap") from exc
        catalogue = await ctx.loaders.catalogue()
        operation = await limits.set_limits(
            row.id,
            limits.Limits(
                monthly_spend_cap=cap,
                forbidden_service_categories=tuple(input.forbidden_service_categories),
                user_may_change_tariff=input.user_may_change_tariff,
                user_may_connect_services=input.user_may_connect_services,
            ),
            # A phone's services' categories (TV packages are a home contract's).
            {
                service["category"]
                for service in catalogue.services.values()
                if service["segment"] == "MOBILE"
            },
            actor,
            ctx.services.clock(),
        )
        return await payload(info, Operation.from_row(operation), row.id)

    @access_mutation(OWNER, line_named, description="Removes the limits on the number.")
    async def remove_number_limits(
        self, info: Info, msisdn: LineMsisdn = None, contract_number: LineContractNumber = None
    ) -> OperationPayload:
        ctx = info.context
        row, actor = await acting(info, msisdn, contract_number)
        mobile_only(row, "Parental limits")
        operation = await limits.remove_limits(row.id, actor, ctx.services.clock())
        return await payload(info, Operation.from_row(operation), row.id)
