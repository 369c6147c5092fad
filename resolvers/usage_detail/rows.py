"""A number's usage records under a filter, newest first, read in keyset batches: each batch
is one indexed range scan that starts where the last one ended (no OFFSET), so reading the
1,000th page costs what the first does and memory holds one batch at a time.

The order is (started_at, id) descending: records with equal times keep a fixed order. It is
served by the index (number_id, started_at, id) on `usage_records`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple

from models import UsageDirection, UsageKind
from resolvers.pages import Listing
from resolvers.sql import as_datetime, fetch_rows, in_keys, is_postgres, keys_param
from resolvers.usage_detail.filter import ALL_KINDS, UsageFilter

# What a record says (the demo's bulk insert writes these, with its external id).
RECORD_COLUMNS = (
    "number_id",
    "kind",
    "direction",
    "counterpart",
    "started_at",
    "duration_seconds",
    "bytes",
    "cost",
    "currency",
    "roaming_zone",
)
# A number's records as `first_pages` reads them for many numbers at once: in the order of
# the single-number reads, and by the same index on PostgreSQL.
USAGE = Listing(
    "usage_records",
    "number_id",
    ("id", *RECORD_COLUMNS),
    times=("started_at",),
    order=("started_at", "id"),
)
_COLUMNS = ", ".join(USAGE.columns)


class UsageRow(NamedTuple):
    id: int
    kind: UsageKind
    direction: UsageDirection
    counterpart: str
    started_at: datetime  # UTC
    duration_seconds: int | None
    bytes: int | None
    cost: int  # minor units
    currency: str
    roaming_zone: str | None


class Key(NamedTuple):
    """Where a page ends: the next page holds the records strictly after it in the order."""

    started_at: datetime
    id: int


def time_param(at: datetime) -> Any:
    """A timestamp as a statement parameter: SQLite compares tortoise's stored UTC text."""
    return at if is_postgres() else str(at.astimezone(UTC))


def where(
    number_id: int, usage_filter: UsageFilter, after: Key | None = None
) -> tuple[str, list[Any]]:
    """The filter on one number's records as a WHERE condition on `usage_records` and its
    parameters; with `after`, only the records after that key in the order."""
    condition, params = filter_condition(usage_filter, after)
    return f"number_id = ? AND {condition}", [number_id, *params]


def filter_condition(usage_filter: UsageFilter, after: Key | None = None) -> tuple[str, list[Any]]:
    """The filter alone, on any number's records: `where` adds the one number, the batched
    reads (`resolvers/usage_detail/loaders.py`) the numbers of the request."""
    conditions = ["started_at >= ?"]
    params: list[Any] = [time_param(usage_filter.from_)]
    if after is not None and after.started_at < usage_filter.to:
        # (started_at, id) < (?, ?) spelt out, and as the only upper bound on started_at:
        # SQLite ends its index range on one bound only (and never on a row value after
        # the number_id equality); the OR only sorts out records of that very instant.
        at = time_param(after.started_at)
        conditions += ["started_at <= ?", "(started_at < ? OR id < ?)"]
        params += [at, at, after.id]
    else:  # no cursor, or one past the window's end: the whole window is after it
        conditions.append("started_at < ?")
        params.append(time_param(usage_filter.to))
    if usage_filter.kinds != ALL_KINDS:
        conditions.append(in_keys("kind"))
        params.append(keys_param(str(kind) for kind in usage_filter.kinds))
    if usage_filter.direction is not None:
        conditions.append("direction = ?")
        params.append(str(usage_filter.direction))
    if usage_filter.roaming is not None:
        conditions.append(f"roaming_zone IS {'NOT ' if usage_filter.roaming else ''}NULL")
    if usage_filter.counterpart is not None:
        conditions.append("LOWER(counterpart) LIKE ?")
        params.append(f"%{usage_filter.counterpart}%")
    return " AND ".join(conditions), params


def usage_row(row: Mapping[str, Any]) -> UsageRow:
    started_at = as_datetime(row["started_at"])
    assert started_at is not None
    return UsageRow(
        id=int(row["id"]),
        kind=UsageKind(row["kind"]),
        direction=UsageDirection(row["direction"]),
        counterpart=row["counterpart"],
        started_at=started_at.astimezone(UTC),
        duration_seconds=row["duration_seconds"],
        bytes=row["bytes"],
        cost=int(row["cost"]),
        currency=row["currency"],
        roaming_zone=row["roaming_zone"],
    )


def batch_query(
    number_id: int, usage_filter: UsageFilter, after: Key | None, limit: int
) -> tuple[str, list[Any]]:
    """The statement of one batch and its parameters (the plan test EXPLAINs this)."""
    condition, params = where(number_id, usage_filter, after)
    sql = (
        f"SELECT {_COLUMNS} FROM usage_records WHERE {condition} "  # noqa: S608 (text is ours)
        "ORDER BY started_at DESC, id DESC LIMIT ?"
    )
    return sql, [*params, limit]


async def read_batch(
    number_id: int, usage_filter: UsageFilter, after: Key | None, limit: int
) -> list[UsageRow]:
    """Up to `limit` records after `after` (from the newest when None), newest first."""
    sql, params = batch_query(number_id, usage_filter, after, limit)
    return [usage_row(row) for row in await fetch_rows(sql, params)]


def key_of(row: UsageRow) -> Key:
    return Key(row.started_at, row.id)


async def stream_usage(
    number_id: int, usage_filter: UsageFilter, batch_size: int = 1000
) -> AsyncIterator[list[UsageRow]]:
    """Every record under the filter, newest first, in batches of up to `batch_size`."""
    after: Key | None = None
    while True:
        batch = await read_batch(number_id, usage_filter, after, batch_size)
        if batch:
            yield batch
        if len(batch) < batch_size:
            return
        after = key_of(batch[-1])
