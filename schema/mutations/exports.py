from __future__ import annotations

from datetime import datetime

import strawberry

import models.exports as stored
import models.usage as stored_usage
from resolvers.context import RequestContext
from resolvers.exports import asking
from resolvers.exports.jobs import days_asked
from resolvers.usage_detail import checked_filter
from schema.directives import access_mutation
from schema.mutations.locate import (
    LineContractNumber,
    LineMsisdn,
    contract_number_field,
    line_named,
    located,
    msisdn_field,
)
from schema.types.access_level import AccessLevel
from schema.types.exports import ExportFormat, ExportJob, export_view
from schema.types.line import Line
from schema.types.lines import line_of
from schema.types.number import Number
from schema.types.usage import UsageKind

Info = strawberry.Info[RequestContext, None]
READ_USAGE = "usage:read"


@strawberry.input
class ExportUsageInput:
    msisdn: str | None = msisdn_field()
    contract_number: str | None = contract_number_field()
    since: datetime = strawberry.field(name="from", description="Inclusive, with an offset.")
    until: datetime = strawberry.field(name="to", description="Exclusive; at most a year on.")
    kinds: list[UsageKind] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these kinds; all when null or empty."
    )
    format: ExportFormat  # type: ignore[valid-type]


@strawberry.type
class MonthlyDetailEmailPayload:
    enabled: bool
    email: str | None = strawberry.field(
        description="The confirmed contact e-mail the detail goes to; null when off."
    )
    number: Number | None = strawberry.field(description="Null for a home contract (see line).")
    line: Line | None


@strawberry.type
class ExportMutation:
    @access_mutation(
        AccessLevel.FULL,
        line_named,
        scope=READ_USAGE,
        description="Asks for the usage detail of a line (by msisdn, or a home contract by "
        "contractNumber) as a file. Answers at once with a QUEUED job; the background "
        "worker writes the file; poll viewer.exports or node(id:) until SUCCEEDED, then open "
        "its url. The filter's rules are Line.usage's.",
    )
    async def export_usage(self, info: Info, input: ExportUsageInput) -> ExportJob:
        ctx = info.context
        usage_filter = checked_filter(
            input.since,
            input.until,
            kinds=[stored_usage.UsageKind(kind.value) for kind in input.kinds or ()],
        )
        reach = await ctx.loaders.reach()
        row = await located(info, input.msisdn, input.contract_number)
        job = await asking.ask_for_export(
            ctx.viewer,
            row.id,
            stored.ExportFormat(input.format.value),
            usage_filter,
            ctx.services.clock(),
            days_asked(input.since, input.until),
        )
        return export_view(ctx, reach, job)

    @access_mutation(
        AccessLevel.FULL,
        line_named,
        scope=READ_USAGE,
        description="Turns on or off the previous month's detail of this line (a phone number "
        "or a home contract) as a PDF by e-mail, early each month, to the viewer's confirmed "
        "contact e-mail as it is then. Subscribers only; turning on without a confirmed "
        "contact e-mail is a CONFLICT (reason EMAIL_NOT_CONFIRMED).",
    )
    async def set_monthly_detail_email(
        self,
        info: Info,
        enabled: bool,
        msisdn: LineMsisdn = None,
        contract_number: LineContractNumber = None,
    ) -> MonthlyDetailEmailPayload:
        ctx = info.context
        reach = await ctx.loaders.reach()
        row = await located(info, msisdn, contract_number)
        address = await asking.set_monthly_detail_email(
            ctx.viewer, row.id, enabled, ctx.services.clock()
        )
        line = line_of(row, reach, ctx.viewer)
        number = line if isinstance(line, Number) else None
        return MonthlyDetailEmailPayload(
            enabled=address is not None, email=address, number=number, line=line
        )
