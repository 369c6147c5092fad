from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from resolvers import allowances


@strawberry.enum
class AllowanceKind(Enum):
    MINUTES = "MINUTES"
    SMS = "SMS"
    DATA = "DATA"


@strawberry.enum
class AllowanceUnit(Enum):
    MINUTE = "MINUTE"
    MESSAGE = "MESSAGE"
    MEGABYTE = "MEGABYTE"


@strawberry.type(
    description="What is left of one bundle this billing period (from the number's "
    "anniversary day), in whole units."
)
class Allowance:
    kind: AllowanceKind
    total: int | None = strawberry.field(
        description="The tariff's bundle plus the connected services'; null is unlimited."
    )
    used: int
    remaining: int | None = strawberry.field(description="Null when unlimited; never below 0.")
    unit: AllowanceUnit
    period_start: datetime
    period_end: datetime

    @classmethod
    def of(cls, item: allowances.Allowance) -> Allowance:
        return cls(
            kind=_KINDS[item.kind],
            total=item.total,
            used=item.used,
            remaining=item.remaining,
            unit=AllowanceUnit[item.unit],
            period_start=item.period_start,
            period_end=item.period_end,
        )


# The resolver's kinds as the schema's (a lookup: an Enum call per item costs more).
_KINDS = {kind: AllowanceKind[kind.value] for kind in allowances.AllowanceKind}
