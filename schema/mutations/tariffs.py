from __future__ import annotations

import strawberry

from permissions.levels import MANAGE
from resolvers.context import RequestContext
from resolvers.money.payments import announce_balance
from resolvers.operations import services as service_ops
from resolvers.operations import tariff_change
from resolvers.operations.records import Actor, actor_on
from resolvers.reach import NumberRow
from schema.directives import access_mutation
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
from schema.types.catalog_filters import service_pk, tariff_pk
from schema.types.line import Line
from schema.types.lines import line_of
from schema.types.number import Number
from schema.types.operation import Operation, TariffChangeEffective

Info = strawberry.Info[RequestContext, None]
FULL = AccessLevel.FULL
_NUMBER_FIELD = frozenset({"number", "line"})
KEY_HELP = "A key of the client's choosing; retrying with it does the operation once."


@strawberry.input
class ChangeTariffInput:
    msisdn: str | None = msisdn_field()
    contract_number: str | None = contract_number_field()
    tariff_id: strawberry.ID
    idempotency_key: str = strawberry.field(description=KEY_HELP)
    effective: TariffChangeEffective = TariffChangeEffective.NOW
    disconnect_incompatible: bool = strawberry.field(
        default=False,
        description="Disconnect the connected services the new tariff does not allow, in "
        "the same operation.",
    )


@strawberry.input
class ConnectServiceInput:
    msisdn: str | None = msisdn_field()
    contract_number: str | None = contract_number_field()
    service_id: strawberry.ID
    idempotency_key: str | None = strawberry.field(default=None, description=KEY_HELP)


@strawberry.input
class DisconnectServiceInput:
    msisdn: str | None = msisdn_field()
    contract_number: str | None = contract_number_field()
    service_id: strawberry.ID
    idempotency_key: str | None = strawberry.field(default=None, description=KEY_HELP)


@strawberry.type
class OperationPayload:
    operation: Operation
    number: Number | None = strawberry.field(
        description="The number as it is now; null for a home contract (see line)."
    )
    line: Line | None = strawberry.field(description="The line as it is now.")


async def acting(
    info: Info, msisdn: str | None, contract_number: str | None
) -> tuple[NumberRow, Actor]:
    row = await located(info, msisdn, contract_number)
    reach = await info.context.loaders.reach()
    return row, await actor_on(info.context.viewer, row, reach.level(row.id))


async def payload(info: Info, operation: Operation, number_id: int) -> OperationPayload:
    ctx = info.context
    ctx.loaders.forget_reach()  # the tariff or services changed: later fields see it
    line = None
    if selects_any(info, _NUMBER_FIELD):
        reach = await ctx.loaders.reach()
        row = reach.numbers.get(number_id)
        line = line_of(row, reach, ctx.viewer) if row and reach.level(number_id) else None
    number = line if isinstance(line, Number) else None
    return OperationPayload(operation=operation, number=number, line=line)


@strawberry.type
class TariffMutation:
    @access_mutation(
        FULL,
        line_named,
        scope=MANAGE,
        description="Changes the number's tariff: NOW charges the new fee pro rata for the "
        "rest of the billing period; NEXT_PERIOD is scheduled (see "
        "Number.pendingTariffChange) and can be cancelled. Idempotent by idempotencyKey.",
    )
    async def change_tariff(self, info: Info, input: ChangeTariffInput) -> OperationPayload:
        ctx = info.context
        row, actor = await acting(info, input.msisdn, input.contract_number)
        operation, moved = await tariff_change.change_tariff(
            tariff_change.TariffChange(
                number_id=row.id,
                tariff_id=tariff_pk(input.tariff_id, "tariffId"),
                effective=tariff_change.Effective(input.effective.value),
                idempotency_key=input.idempotency_key,
                disconnect_incompatible=input.disconnect_incompatible,
            ),
            actor,
            await ctx.loaders.catalogue(),
            ctx.services.clock(),
        )
        if moved:
            await announce_balance(ctx.services, row.id)
        return await payload(info, Operation.from_row(operation), row.id)

    @access_mutation(
        FULL,
        line_named,
        scope=MANAGE,
        description="Cancels the tariff change scheduled for the next period.",
    )
    async def cancel_tariff_change(
        self, info: Info, msisdn: LineMsisdn = None, contract_number: LineContractNumber = None
    ) -> OperationPayload:
        ctx = info.context
        row, actor = await acting(info, msisdn, contract_number)
        operation = await tariff_change.cancel_scheduled(row.id, ctx.services.clock(), actor)
        return await payload(info, Operation.from_row(operation), row.id)

    @access_mutation(
        FULL,
        line_named,
        scope=MANAGE,
        description="Connects a service: its connection fee through the ledger; the tariff's "
        "fit and the exclusions checked.",
    )
    async def connect_service(self, info: Info, input: ConnectServiceInput) -> OperationPayload:
        ctx = info.context
        row, actor = await acting(info, input.msisdn, input.contract_number)
        operation, moved = await service_ops.connect_service(
            service_ops.ServiceChange(
                row.id, service_pk(input.service_id, "serviceId"), input.idempotency_key
            ),
            actor,
            await ctx.loaders.catalogue(),
            ctx.services.clock(),
        )
        if moved:
            await announce_balance(ctx.services, row.id)
        return await payload(info, Operation.from_row(operation), row.id)

    @access_mutation(FULL, line_named, scope=MANAGE, description="Disconnects a service.")
    async def disconnect_service(
        self, info: Info, input: DisconnectServiceInput
    ) -> OperationPayload:
        ctx = info.context
        row, actor = await acting(info, input.msisdn, input.contract_number)
        operation = await service_ops.disconnect_service(
            service_ops.ServiceChange(
                row.id, service_pk(input.service_id, "serviceId"), input.idempotency_key
            ),
            actor,
            await ctx.loaders.catalogue(),
            ctx.services.clock(),
        )
        return await payload(info, Operation.from_row(operation), row.id)
