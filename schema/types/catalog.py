from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay

from schema.types.money import Money


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

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Tariff:
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
        )


@strawberry.type(description="An add-on service that can be connected to a number.")
class Service(relay.Node):
    pk: relay.NodeID[int]
    code: str
    name: str
    description: str
    category: str
    monthly_fee: Money
    connection_fee: Money

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Service:
        return cls(
            pk=row["id"],
            code=row["code"],
            name=row["name"],
            description=row["description"],
            category=row["category"],
            monthly_fee=Money.from_minor(row["monthly_fee"], row["currency"]),
            connection_fee=Money.from_minor(row["connection_fee"], row["currency"]),
        )
