"""Internet traffic per day of a line's usage detail (`usage.dailyTraffic`): the bytes of
its DATA records (a phone's data sessions, a home contract's internet sessions) summed per
day as the reader's time zone counts days, by the database, for many lines in one statement.

PostgreSQL puts each record in its local day itself (`AT TIME ZONE`). SQLite knows no time
zones: the window is cut where the zone's offset changes (at most twice a year, never in
most Russian zones) and each record's day is its UTC time shifted by the offset of its part
of the window, which is the same day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Any, NamedTuple

from models import UsageKind
from resolvers.sql import fetch_rows, in_keys, is_postgres, keys_param, time_param
from resolvers.usage_detail.filter import UsageFilter
from resolvers.usage_detail.rows import filter_condition
from resolvers.usage_detail.zones import zone

_BY_DAY = """
SELECT number_id, day, COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS bytes,
       COALESCE(SUM(duration_seconds), 0) AS seconds
FROM (SELECT number_id, {day} AS day, bytes, duration_seconds FROM usage_records
      WHERE {keys} AND kind = ? AND {condition}) AS data
GROUP BY number_id, day ORDER BY number_id, day
"""
_STEP = timedelta(hours=1)


class DayTraffic(NamedTuple):
    day: date  # in the reader's zone
    bytes: int
    sessions: int
    seconds: int


def _offset_minutes(at: datetime, zone_name: str) -> int:
    offset = at.astimezone(zone(zone_name)).utcoffset()
    assert offset is not None
    return int(offset.total_seconds()) // 60


@lru_cache(maxsize=256)
def offset_spans(zone_name: str, since: datetime, until: datetime) -> tuple[tuple[datetime, int]]:
    """Where the zone's offset changes within [since, until): (from this instant on, offset
    in minutes), the first from `since`. Found hour by hour, then to the minute; a year is
    8,760 lookups, once per zone and window per process."""
    spans = [(since, _offset_minutes(since, zone_name))]
    at = since
    while at < until:
        after = min(at + _STEP, until)
        if _offset_minutes(after, zone_name) != spans[-1][1]:
            low, high = at, after  # the offset changes in (low, high]
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if _offset_minutes(middle, zone_name) == spans[-1][1]:
                    low = middle
                else:
                    high = middle
            spans.append((high, _offset_minutes(high, zone_name)))
        at = after
    return tuple(spans)  # type: ignore[return-value]


def _day_expression(usage_filter: UsageFilter, zone_name: str) -> tuple[str, list[Any]]:
    if is_postgres():
        return "(started_at AT TIME ZONE CAST(? AS TEXT))::date", [str(zone(zone_name))]
    spans = offset_spans(zone_name, usage_filter.from_, usage_filter.to)
    modifiers = [f"{minutes:+d} minutes" for _, minutes in spans]
    if len(spans) == 1:
        return "date(started_at, ?)", modifiers
    whens, params = [], []
    for (_, minutes), (next_start, _) in pairwise(spans):
        whens.append("WHEN started_at < ? THEN ?")
        params += [time_param(next_start), f"{minutes:+d} minutes"]
    return f"date(started_at, CASE {' '.join(whens)} ELSE ? END)", [*params, modifiers[-1]]


async def traffic_by_number(
    number_ids: Sequence[int], usage_filter: UsageFilter, zone_name: str
) -> list[list[DayTraffic]]:
    """Each line's days with internet traffic under the filter, oldest first, in the lines'
    order, in one statement; none for a filter without DATA."""
    if UsageKind.DATA not in usage_filter.kinds:
        return [[] for _ in number_ids]
    day, day_params = _day_expression(usage_filter, zone_name)
    condition, params = filter_condition(usage_filter)
    sql = _BY_DAY.format(day=day, keys=in_keys("number_id"), condition=condition)
    found: dict[int, list[DayTraffic]] = {}
    rows = await fetch_rows(
        sql, [*day_params, keys_param(number_ids), str(UsageKind.DATA), *params]
    )
    for row in rows:
        value = row["day"]
        found.setdefault(int(row["number_id"]), []).append(
            DayTraffic(
                day=value if isinstance(value, date) else date.fromisoformat(value),
                bytes=int(row["bytes"]),
                sessions=int(row["n"]),
                seconds=int(row["seconds"]),
            )
        )
    return [found.get(number_id, []) for number_id in number_ids]
