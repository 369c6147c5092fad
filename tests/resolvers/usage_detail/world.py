"""A number with usage records made to order, for the usage detail's tests."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from models import Number, UsageDirection, UsageKind, UsageRecord
from resolvers.usage_detail import KindTotal, UsageFilter
from tests.support import family

# Records of the random history fall in the 60 days before this moment.
NOW = datetime(2026, 11, 16, 12, tzinfo=UTC)
ZONES = ("europe", "asia")


@dataclass
class Made:
    number: Number
    records: list[UsageRecord]


async def a_number() -> Number:
    owner = await family.subscriber("Owner")
    return await family.number(await family.account(owner), user=owner)


def record(
    number: Number,
    started_at: datetime,
    kind: UsageKind = UsageKind.CALL,
    direction: UsageDirection = UsageDirection.OUT,
    counterpart: str = "+79160000001",
    seconds: int | None = 60,
    size: int | None = None,
    cost: int = 0,
    roaming_zone: str | None = None,
    tag: str = "",
) -> UsageRecord:
    return UsageRecord(
        # Unique, and within the column's 64 characters (the tag second to last: tests find it).
        external_id=f"t-{number.id}-{tag}-{uuid.uuid4().hex[:20]}",
        number=number,
        kind=kind,
        direction=direction,
        counterpart=counterpart,
        started_at=started_at,
        duration_seconds=seconds,
        bytes=size,
        cost=cost,
        roaming_zone=roaming_zone,
    )


def random_records(rng: random.Random, number: Number, how_many: int) -> list[UsageRecord]:
    """A mixed history; a few records share a second, as a busy number's do."""
    made: list[UsageRecord] = []
    for i in range(how_many):
        at = NOW - timedelta(seconds=rng.randint(0, 60 * 86400))
        if made and rng.random() < 0.1:
            at = made[-1].started_at
        kind = rng.choice(list(UsageKind))
        made.append(
            record(
                number,
                at,
                kind=kind,
                direction=rng.choice(list(UsageDirection)),
                counterpart="internet"
                if kind is UsageKind.DATA
                else f"+7916{rng.randint(0, 30):07d}",
                seconds=None if kind is UsageKind.SMS else rng.randint(1, 3600),
                size=rng.randint(1, 10**9) if kind is UsageKind.DATA else None,
                cost=rng.choice([0, 0, 0, 100, 4900]),
                roaming_zone=rng.choice([None, None, None, *ZONES]),
                tag=str(i),
            )
        )
    return made


async def stored(number: Number, records: list[UsageRecord]) -> Made:
    await UsageRecord.bulk_create(records, batch_size=500)
    return Made(number, await UsageRecord.filter(number_id=number.id))


def matches(usage_filter: UsageFilter, row: UsageRecord) -> bool:
    """The filter's meaning, written plainly in Python, to check the SQL against."""
    return (
        usage_filter.from_ <= row.started_at < usage_filter.to
        and row.kind in usage_filter.kinds
        and (usage_filter.direction is None or row.direction == usage_filter.direction)
        and (usage_filter.roaming is None or (row.roaming_zone is not None) == usage_filter.roaming)
        and (
            usage_filter.counterpart is None or usage_filter.counterpart in row.counterpart.lower()
        )
    )


def direct_totals(usage_filter: UsageFilter, rows: list[UsageRecord]) -> list[KindTotal]:
    sums: dict[tuple[UsageKind, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in rows:
        total = sums[(row.kind, row.currency)]
        total[0] += 1
        total[1] += row.duration_seconds or 0
        total[2] += row.bytes or 0
        total[3] += row.cost
    found = []
    for kind in usage_filter.kinds:
        mine = sorted((c, s) for (k, c), s in sums.items() if k == kind)
        found += [KindTotal(kind, *s, currency=c) for c, s in mine] or [
            KindTotal(kind, 0, 0, 0, 0, "RUB")
        ]
    return found
