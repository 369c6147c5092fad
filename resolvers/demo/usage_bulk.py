"""Usage records by the hundred thousand: the demo's year and the benchmark's busy number.

Records travel as plain tuples, never ORM objects (building a million model objects is most
of the time of inserting them), in batches: PostgreSQL's COPY through asyncpg, SQLite's
executemany. Inside a transaction, on the transaction's connection.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

from tortoise import connections

from models import UsageRecord
from resolvers.usage_detail.rows import RECORD_COLUMNS, time_param

COLUMNS = ("external_id", *RECORD_COLUMNS)
_INSERT = (
    f"INSERT INTO usage_records ({', '.join(COLUMNS)}) "  # noqa: S608 (names are ours)
    f"VALUES ({', '.join('?' for _ in COLUMNS)})"
)
MB = 1024 * 1024
YEAR = timedelta(days=365)


async def insert_usage(rows: Iterable[tuple[Any, ...]], batch_size: int = 10_000) -> int:
    """Inserts rows in COLUMNS order (started_at an aware datetime); returns how many."""
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    done = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, batch_size)):
        if postgres:
            async with connection.acquire_connection() as raw:
                await raw.copy_records_to_table("usage_records", records=batch, columns=COLUMNS)
        else:
            # SQLite compares timestamps as tortoise's text: store that text.
            await connection.execute_many(
                _INSERT, [[*row[:5], time_param(row[5]), *row[6:]] for row in batch]
            )
        done += len(batch)
    return done


def rows_of(number_id: int, records: Iterable[UsageRecord]) -> Iterator[tuple[Any, ...]]:
    """Unsaved model objects as rows, in COLUMNS order."""
    for r in records:
        yield (
            r.external_id,
            number_id,
            r.kind.value,
            r.direction.value,
            r.counterpart,
            r.started_at,
            r.duration_seconds,
            r.bytes,
            r.cost,
            r.currency,
            r.roaming_zone,
        )


def busy_number_usage(
    number_id: int, msisdn: str, count: int, now: datetime, seed: int = 1
) -> Iterator[tuple[Any, ...]]:
    """`count` records spread evenly over the year before `now` (strictly inside it): calls with
    durations, SMS, data sessions, one in twenty abroad. Made lazily, so a million of them
    never sit in memory together."""
    rng = random.Random(seed)  # noqa: S311 (benchmark data, not security)
    step = YEAR / max(count, 1)
    start = now.astimezone(UTC) - YEAR
    for i in range(count):
        at = start + step * (i + 0.5) + timedelta(seconds=rng.randint(0, 15))
        roaming = "europe" if rng.random() < 0.05 else None
        pick = rng.random()
        external_id = f"busy-{msisdn[1:]}-{i:08d}"
        if pick < 0.35:
            seconds = rng.randint(5, 1800)
            direction = rng.choice(("IN", "OUT"))
            cost = (seconds // 60 + 1) * 4900 if roaming else 0
            yield (
                external_id,
                number_id,
                "CALL",
                direction,
                _phone(rng),
                at,
                seconds,
                None,
                cost,
                "RUB",
                roaming,
            )
        elif pick < 0.55:
            direction = rng.choice(("IN", "OUT"))
            cost = 1900 if roaming and direction == "OUT" else 0
            yield (
                external_id,
                number_id,
                "SMS",
                direction,
                _phone(rng),
                at,
                None,
                None,
                cost,
                "RUB",
                roaming,
            )
        else:
            size = rng.randint(1, 400) * MB
            cost = (size // MB) * 100 if roaming else 0
            yield (
                external_id,
                number_id,
                "DATA",
                "OUT",
                "internet",
                at,
                rng.randint(60, 3600),
                size,
                cost,
                "RUB",
                roaming,
            )


def _phone(rng: random.Random) -> str:
    return f"+7{rng.choice(['916', '926', '903', '999'])}{rng.randint(0, 9999999):07d}"
