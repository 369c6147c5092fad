"""Internet traffic per day, summed by the database, against the same sums made in Python
from each record's local date: in zones with and without summer time, with half- and
quarter-hour offsets, across the changes of offset, for several lines in one statement."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models import UsageKind, UsageRecord
from resolvers.usage_detail import checked_filter
from resolvers.usage_detail.days import DayTraffic, offset_spans, traffic_by_number
from tests.resolvers.usage_detail.world import a_number, random_records, record, stored
from tests.support.queries import count_queries

YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
ZONES = (
    "Europe/Moscow",  # +3 all year
    "Europe/Berlin",  # +1, +2 in summer
    "America/New_York",  # -5, -4 in summer
    "Asia/Kolkata",  # +5:30
    "Asia/Kathmandu",  # +5:45
    "Australia/Lord_Howe",  # +10:30, +11 in summer: half an hour apart
)


def in_python(records: list[UsageRecord], zone_name: str, since, until) -> list[DayTraffic]:
    days: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in records:
        if row.kind is UsageKind.DATA and since <= row.started_at < until:
            day = days[row.started_at.astimezone(ZoneInfo(zone_name)).date()]
            day[0] += row.bytes or 0
            day[1] += 1
            day[2] += row.duration_seconds or 0
    return [DayTraffic(day, *sums) for day, sums in sorted(days.items())]


def test_offset_spans_of_berlin_change_on_the_last_sundays_of_march_and_october():
    spans = offset_spans("Europe/Berlin", YEAR_START, YEAR_START.replace(year=2027))
    assert spans == (
        (YEAR_START, 60),
        (datetime(2026, 3, 29, 1, tzinfo=UTC), 120),
        (datetime(2026, 10, 25, 1, tzinfo=UTC), 60),
    )


def test_offset_spans_of_moscow_are_one():
    assert offset_spans("Europe/Moscow", YEAR_START, YEAR_START.replace(year=2027)) == (
        (YEAR_START, 180),
    )


async def test_days_around_berlins_autumn_change_are_local_days():
    number = await a_number()
    times = [
        datetime(2026, 10, 24, 21, 30, tzinfo=UTC),  # 23:30 on the 24th, summer time
        datetime(2026, 10, 24, 22, 30, tzinfo=UTC),  # 00:30 on the 25th, summer time
        datetime(2026, 10, 25, 22, 30, tzinfo=UTC),  # 23:30 on the 25th, winter time
        datetime(2026, 10, 25, 23, 30, tzinfo=UTC),  # 00:30 on the 26th, winter time
    ]
    made = await stored(
        number, [record(number, at, kind=UsageKind.DATA, size=i + 1) for i, at in enumerate(times)]
    )
    usage_filter = checked_filter(
        datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)
    )
    [days] = await traffic_by_number([number.id], usage_filter, "Europe/Berlin")
    assert [(d.day.isoformat(), d.bytes) for d in days] == [
        ("2026-10-24", 1),
        ("2026-10-25", 2 + 3),
        ("2026-10-26", 4),
    ]
    assert days == in_python(made.records, "Europe/Berlin", usage_filter.from_, usage_filter.to)


@pytest.mark.parametrize("zone_name", ZONES)
async def test_days_of_random_histories_of_two_lines_match_python_in_one_statement(zone_name):
    rng = random.Random(zone_name)
    lines = [await a_number(), await a_number()]
    made = [await stored(line, random_records(rng, line, 400)) for line in lines]
    since = datetime(2026, 9, 20, 13, 17, tzinfo=UTC)
    usage_filter = checked_filter(since, since + timedelta(days=60))
    with count_queries() as sql:
        found = await traffic_by_number([line.id for line in lines], usage_filter, zone_name)
    assert sql.count == 1
    for days, history in zip(found, made, strict=True):
        assert days == in_python(history.records, zone_name, usage_filter.from_, usage_filter.to)
        assert days


async def test_no_days_without_data_in_the_filter_and_no_statement():
    number = await a_number()
    usage_filter = checked_filter(
        YEAR_START, YEAR_START + timedelta(days=30), kinds=[UsageKind.CALL, UsageKind.TV]
    )
    with count_queries() as sql:
        assert await traffic_by_number([number.id], usage_filter, "Europe/Moscow") == [[]]
    assert sql.count == 0
