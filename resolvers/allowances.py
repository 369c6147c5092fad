"""What is left of a number's bundles this billing period: the tariff's bundle plus the
connected services' extras, less what the period's usage records used."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from resolvers.billing_period import Period
from resolvers.usage_totals import Used

Row = dict[str, Any]


class AllowanceKind(StrEnum):
    MINUTES = "MINUTES"
    SMS = "SMS"
    DATA = "DATA"


# kind: (the tariff's and a service's column, the unit, the Used attribute)
_KINDS = {
    AllowanceKind.MINUTES: ("minutes", "MINUTE", "minutes"),
    AllowanceKind.SMS: ("sms", "MESSAGE", "sms"),
    AllowanceKind.DATA: ("data_mb", "MEGABYTE", "data_mb"),
}


@dataclass(frozen=True)
class Allowance:
    kind: AllowanceKind
    total: int | None  # None: unlimited
    used: int
    unit: str
    period_start: datetime
    period_end: datetime

    @property
    def remaining(self) -> int | None:
        return None if self.total is None else max(0, self.total - self.used)


def allowances(tariff: Row, services: Iterable[Row], used: Used, period: Period) -> list[Allowance]:
    extras = list(services)
    result = []
    for kind, (column, unit, used_as) in _KINDS.items():
        bundle = tariff[column]
        # An unlimited tariff bundle stays unlimited whatever a service adds.
        total = None if bundle is None else bundle + sum(s[column] or 0 for s in extras)
        result.append(
            Allowance(kind, total, getattr(used, used_as), unit, period.start, period.end)
        )
    return result
