from __future__ import annotations

from typing import Any

import strawberry

from permissions.levels import SEE_NUMBERS
from resolvers.context import RequestContext
from resolvers.reach import NumberRow
from resolvers.recommendations import Recommendation
from schema.batched import batched
from schema.directives import access_field
from schema.types import line_fields
from schema.types.access_level import AccessLevel
from schema.types.allowance import Allowance
from schema.types.care import CallForwardingRule, NumberLimits
from schema.types.catalog import Tariff
from schema.types.line import ConnectedService, Line, NumberStatus
from schema.types.money import Money

Info = strawberry.Info[RequestContext, None]
FULL = AccessLevel.FULL

__all__ = ["ConnectedService", "Line", "Number", "NumberStatus", "TariffRecommendation"]


@strawberry.type(description="A tariff that would have cost the number less, and why.")
class TariffRecommendation:
    tariff: Tariff
    monthly_cost: Money = strawberry.field(
        description="What the same usage would have cost a month on it, on average."
    )
    monthly_saving: Money
    why: str = strawberry.field(description="The figures behind it, in one line.")

    @classmethod
    def of(cls, item: Recommendation) -> TariffRecommendation:
        currency = item.tariff["currency"]
        return cls(
            tariff=Tariff.from_row(item.tariff),
            monthly_cost=Money.from_minor(item.monthly_cost, currency),
            monthly_saving=Money.from_minor(item.monthly_saving, currency),
            why=item.why,
        )


@strawberry.type(description="A phone number (a mobile line) the viewer can reach.")
class Number(Line):
    msisdn: str = strawberry.field(description="E.164, e.g. +79161234567.")

    @classmethod
    def own_fields(cls, row: NumberRow) -> dict[str, Any]:
        return {"msisdn": row.msisdn}

    @access_field(FULL, scope=SEE_NUMBERS, description="Whether roaming is on.")
    async def roaming(self, info: Info) -> bool | None:
        care = await info.context.loaders.care_by_number.load(self.row.id)
        return care.roaming_enabled

    @access_field(FULL, scope=SEE_NUMBERS, description="Call forwarding rules in force.")
    async def call_forwarding(self, info: Info) -> list[CallForwardingRule] | None:
        care = await info.context.loaders.care_by_number.load(self.row.id)
        return [CallForwardingRule.of(rule) for rule in care.call_forwarding]

    @access_field(
        FULL,
        scope=SEE_NUMBERS,
        description="The limits the owner set on what the number's user may do; null when none.",
    )
    async def limits(self, info: Info) -> NumberLimits | None:
        care = await info.context.loaders.care_by_number.load(self.row.id)
        if care.limits is None:
            return None
        return NumberLimits.of(care.limits, care.limits_updated_at)

    @access_field(
        FULL,
        scope="usage:read",
        description="What is left of this billing period's minutes, SMS and data: one item "
        "per kind.",
    )
    @batched(line_fields.allowances_of)
    async def allowances(self, info: Info) -> list[Allowance] | None:
        return (await line_fields.allowances_of([self], info.context))[0]

    @access_field(
        FULL,
        scope="usage:read",
        description="Choosable tariffs that would have cost less over the last three full "
        "billing periods of this number's usage, cheapest first; empty when its tariff is "
        "already the cheapest.",
    )
    async def recommended_tariffs(self, info: Info) -> list[TariffRecommendation] | None:
        found = await info.context.loaders.recommended_tariffs_by_number.load_row(self.row)
        return [TariffRecommendation.of(item) for item in found]
