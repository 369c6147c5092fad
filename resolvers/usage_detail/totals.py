"""Totals of a number's usage under a filter, per kind, over the whole filter in one
statement (the database sums; nothing is held per record)."""

from __future__ import annotations

from dataclasses import dataclass

from models import UsageKind
from resolvers.sql import fetch_rows
from resolvers.usage_detail.filter import UsageFilter
from resolvers.usage_detail.rows import where

DEFAULT_CURRENCY = "RUB"
_TOTALS = """
SELECT kind, currency, COUNT(*) AS n, COALESCE(SUM(duration_seconds), 0) AS seconds,
       COALESCE(SUM(bytes), 0) AS bytes, COALESCE(SUM(cost), 0) AS cost
FROM usage_records WHERE {condition}
GROUP BY kind, currency ORDER BY kind, currency
"""


@dataclass(frozen=True)
class KindTotal:
    kind: UsageKind
    count: int
    seconds: int  # calls: talk time, data: session time, SMS: 0
    bytes: int
    cost: int  # minor units
    currency: str


async def usage_totals(number_id: int, usage_filter: UsageFilter) -> list[KindTotal]:
    """One total per kind the filter asks for, in its order, zero where nothing was used;
    a kind charged in two currencies has one total per currency."""
    condition, params = where(number_id, usage_filter)
    sql = _TOTALS.format(condition=condition)
    found: dict[UsageKind, list[KindTotal]] = {}
    for row in await fetch_rows(sql, params):
        kind = UsageKind(row["kind"])
        found.setdefault(kind, []).append(
            KindTotal(
                kind=kind,
                count=int(row["n"]),
                seconds=int(row["seconds"]),
                bytes=int(row["bytes"]),
                cost=int(row["cost"]),
                currency=row["currency"],
            )
        )
    return [
        total
        for kind in usage_filter.kinds
        for total in found.get(kind) or [KindTotal(kind, 0, 0, 0, 0, DEFAULT_CURRENCY)]
    ]
