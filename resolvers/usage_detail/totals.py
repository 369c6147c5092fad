"""Totals of a line's usage under a filter, per kind, over the whole filter in one
statement (the database sums; nothing is held per record); the same statement sums many
lines at once, phone numbers and home contracts alike (a family page's usage, through
`UsageTotalsByNumberLoader`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models import UsageKind
from resolvers.sql import fetch_rows, in_keys, keys_param
from resolvers.usage_detail.filter import ALL_KINDS, KINDS_OF_LINE, UsageFilter
from resolvers.usage_detail.rows import filter_condition

DEFAULT_CURRENCY = "RUB"
_TOTALS = """
SELECT number_id, kind, currency, COUNT(*) AS n, COALESCE(SUM(duration_seconds), 0) AS seconds,
       COALESCE(SUM(bytes), 0) AS bytes, COALESCE(SUM(cost), 0) AS cost
FROM usage_records WHERE {keys} AND {condition}
GROUP BY number_id, kind, currency ORDER BY number_id, kind, currency
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
    return (await totals_by_number([number_id], usage_filter))[0]


async def totals_by_number(
    number_ids: Sequence[int], usage_filter: UsageFilter
) -> list[list[KindTotal]]:
    """Each number's `usage_totals`, in the numbers' order, in one statement."""
    condition, params = filter_condition(usage_filter)
    sql = _TOTALS.format(keys=in_keys("number_id"), condition=condition)
    found: dict[int, dict[UsageKind, list[KindTotal]]] = {}
    for row in await fetch_rows(sql, [keys_param(number_ids), *params]):
        kind = UsageKind(row["kind"])
        found.setdefault(int(row["number_id"]), {}).setdefault(kind, []).append(
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
        [
            total
            for kind in usage_filter.kinds
            for total in found.get(number_id, {}).get(kind)
            or [KindTotal(kind, 0, 0, 0, 0, DEFAULT_CURRENCY)]
        ]
        for number_id in number_ids
    ]


def shown_totals(
    totals: list[KindTotal], line_kind: str, usage_filter: UsageFilter
) -> list[KindTotal]:
    """The totals a reader is shown: those of the kinds asked for; when every kind was
    (the default), those the line can have (a phone's calls, SMS and data; a contract's
    data and TV) and any other it did have, so a phone's detail does not list TV at zero.
    The statement sums every kind either way: one statement for a tree of both."""
    if usage_filter.kinds != ALL_KINDS:
        return totals
    own = KINDS_OF_LINE.get(line_kind, ALL_KINDS)
    return [total for total in totals if total.kind in own or total.count]
