from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay

from models import CatalogSegment as StoredSegment
from resolvers.context import RequestContext
from schema.types.enums import mirror_enum
from schema.types.money import Money

Info = strawberry.Info[RequestContext, None]
CatalogSegment = mirror_enum(
    StoredSegment,
    "Which lines a tariff or service is for: MOBILE phone numbers or HOME contracts (home "
    "internet and TV). A line takes only its own segment's.",
)


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
    segment: CatalogSegment  # type: ignore[valid-type]
    speed_mbps: int | None = strawberry.field(
        description="A home tariff's internet speed; null: no internet in it."
    )
    tv_channels: int | None = strawberry.field(
        description="The TV channels a home tariff includes; null: no TV in it."
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


@strawberry.type(
    description="An add-on service that can be connected to a line: a phone number's "
    "(segment MOBILE), or a home contract's such as a TV package (segment HOME)."
)
class Service(relay.Node):
    pk: relay.NodeID[int]
    code: str
    name: str
    description: str
    category: str = strawberry.field(
        description="TV_PACKAGE: a TV package, for a home contract with TV."
    )
    segment: CatalogSegment  # type: ignore[valid-type]
    monthly_fee: Money
    connection_fee: Money
    bundle: ServiceBundle | None = strawberry.field(
        description="Extra minutes, SMS and megabytes a month; null when it adds none."
    )
    available_at_zero_balance: bool = strawberry.field(
        description="Whether it can be connected and used at a zero (or negative) balance."
    )
    archived: bool

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
            segment=CatalogSegment(str(row["segment"])),
            monthly_fee=Money.from_minor(row["monthly_fee"], row["currency"]),
            connection_fee=Money.from_minor(row["connection_fee"], row["currency"]),
            bundle=ServiceBundle(minutes=row["minutes"], sms=row["sms"], data_mb=row["data_mb"])
            if adds
            else None,
            available_at_zero_balance=bool(row["available_at_zero_balance"]),
            archived=bool(row["is_archived"]),
        )
