from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from resolvers.context import RequestContext
from schema.types.money import Money

Info = strawberry.Info[RequestContext, None]


@strawberry.enum(
    description="Which kind of line a tariff or service is for: MOBILE phone numbers, HOME "
    "internet and TV contracts. A line takes only its own segment's."
)
class CatalogSegment(Enum):
    MOBILE = "MOBILE"
    HOME = "HOME"


@strawberry.type(description="What usage beyond a tariff's bundle costs, per unit.")
class OveragePrices:
    minute: Money
    sms: Money
    megabyte: Money


@strawberry.type(description="A tariff plan. Bundles are per month; null means unlimited.")
class Tariff(relay.Node):
    pk: relay.NodeID[int]
    code: str
    name: str
    description: str
    monthly_fee: Money
    minutes: int | None = strawberry.field(description="Minutes a month; null is unlimited.")
    sms: int | None = strawberry.field(description="SMS a month; null is unlimited.")
    data_mb: int | None = strawberry.field(description="Megabytes a month; null is unlimited.")
    tags: list[str]
    archived: bool = strawberry.field(
        description="Stays on the numbers that have it, but cannot be chosen."
    )
    overage_prices: OveragePrices = strawberry.field(
        description="What usage beyond the bundle costs."
    )
    segment: CatalogSegment = strawberry.field(description="MOBILE or HOME lines.")
    speed_mbps: int | None = strawberry.field(
        description="A home tariff's internet speed, Mbit/s; null without internet."
    )
    tv_channels: int | None = strawberry.field(
        description="A home tariff's TV channels; null without TV."
    )

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Tariff:
        currency = row["currency"]
        return cls(
            pk=row["id"],
            code=row["code"],
            name=row["name"],
            description=row["description"],
            monthly_fee=Money.from_minor(row["monthly_fee"], row["currency"]),
            minutes=row["minutes"],
            sms=row["sms"],
            data_mb=row["data_mb"],
            tags=list(row["tags"]),
            archived=bool(row["is_archived"]),
            overage_prices=OveragePrices(
                minute=Money.from_minor(row["minute_price"], currency),
                sms=Money.from_minor(row["sms_price"], currency),
                megabyte=Money.from_minor(row["mb_price"], currency),
            ),
            segment=CatalogSegment(str(row["segment"])),
            speed_mbps=row["speed_mbps"],
            tv_channels=row["tv_channels"],
        )


@strawberry.type(description="What a service adds to the tariff's bundle each month.")
class ServiceBundle:
    minutes: int
    sms: int
    data_mb: int


@strawberry.type(description="An add-on service that can be connected to a number.")
class Service(relay.Node):
    pk: relay.NodeID[int]
    code: str
    name: str
    description: str
    category: str
    monthly_fee: Money
    connection_fee: Money
    bundle: ServiceBundle | None = strawberry.field(
        description="Extra minutes, SMS and megabytes a month; null when it adds none."
    )
    available_at_zero_balance: bool = strawberry.field(
        description="Whether it can be connected and used at a zero (or negative) balance."
    )
    archived: bool
    segment: CatalogSegment = strawberry.field(description="MOBILE or HOME lines.")

    @strawberry.field(description="The choosable tariffs it fits.")
    async def compatible_tariffs(self, info: Info) -> list[Tariff]:
        catalogue = await info.context.loaders.catalogue()
        return [Tariff.from_row(row) for row in catalogue.tariffs_for(self.pk)]

    @strawberry.field(description="Services it cannot be connected together with.")
    async def excludes(self, info: Info) -> list[Service]:
        catalogue = await info.context.loaders.catalogue()
        return [Service.from_row(row) for row in catalogue.excluded_by(self.pk)]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Service:
        adds = row["minutes"] or row["sms"] or row["data_mb"]
        return cls(
            pk=row["id"],
            code=row["code"],
            name=row["name"],
            description=row["description"],
            category=row["category"],
            monthly_fee=Money.from_minor(row["monthly_fee"], row["currency"]),
            connection_fee=Money.from_minor(row["connection_fee"], row["currency"]),
            bundle=ServiceBundle(minutes=row["minutes"], sms=row["sms"], data_mb=row["data_mb"])
            if adds
            else None,
            available_at_zero_balance=bool(row["available_at_zero_balance"]),
            archived=bool(row["is_archived"]),
            segment=CatalogSegment(str(row["segment"])),
        )
