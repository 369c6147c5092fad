import random
from datetime import timedelta

from models import UsageDirection, UsageKind, UsageRecord
from resolvers.usage_detail import (
    KindTotal,
    UsageFilter,
    checked_filter,
    stream_usage,
    usage_totals,
)
from resolvers.usage_detail.rows import Key, read_batch
from tests.resolvers.usage_detail.world import (
    NOW,
    a_number,
    direct_totals,
    matches,
    random_records,
    record,
    stored,
)

YEAR_BEFORE = checked_filter(NOW - timedelta(days=364), NOW + timedelta(seconds=1))


def newest_first(rows: list[UsageRecord]) -> list[int]:
    return [r.id for r in sorted(rows, key=lambda r: (r.started_at, r.id), reverse=True)]


async def streamed(number_id: int, usage_filter: UsageFilter, batch_size: int) -> list[list[int]]:
    return [
        [row.id for row in batch]
        async for batch in stream_usage(number_id, usage_filter, batch_size)
    ]


FILTERS = {
    "everything": {},
    "calls and sms": {"kinds": [UsageKind.CALL, UsageKind.SMS]},
    "incoming": {"direction": UsageDirection.IN},
    "roaming": {"roaming": True},
    "at home": {"roaming": False},
    "counterpart": {"counterpart": "+79160000"},
    "data by name": {"counterpart": "INTER"},
    "all at once": {
        "kinds": [UsageKind.CALL],
        "direction": UsageDirection.OUT,
        "roaming": False,
        "counterpart": "0001",
    },
}


async def test_the_stream_and_the_totals_agree_with_the_records_under_every_filter() -> None:
    number = await a_number()
    made = await stored(number, random_records(random.Random(11), number, 700))
    other = await a_number()  # its records must never show
    await stored(other, random_records(random.Random(12), other, 50))
    windows = [YEAR_BEFORE, checked_filter(NOW - timedelta(days=20), NOW - timedelta(days=10))]
    for window in windows:
        for name, extra in FILTERS.items():
            usage_filter = checked_filter(window.from_, window.to, **extra)
            expected = [r for r in made.records if matches(usage_filter, r)]
            assert expected, name
            batches = await streamed(number.id, usage_filter, 64)
            assert [i for batch in batches for i in batch] == newest_first(expected), name
            assert all(len(batch) == 64 for batch in batches[:-1]), name
            assert await usage_totals(number.id, usage_filter) == direct_totals(
                usage_filter, expected
            ), name


async def test_records_with_equal_times_keep_one_order_across_batches() -> None:
    number = await a_number()
    at = NOW - timedelta(hours=1)
    made = await stored(number, [record(number, at, tag=str(i)) for i in range(7)])
    batches = await streamed(number.id, YEAR_BEFORE, 3)
    assert [len(b) for b in batches] == [3, 3, 1]
    assert [i for b in batches for i in b] == sorted((r.id for r in made.records), reverse=True)


async def test_a_history_of_exactly_one_batch_ends_after_one_empty_read() -> None:
    number = await a_number()
    await stored(number, [record(number, NOW - timedelta(minutes=i), tag=str(i)) for i in range(5)])
    assert [len(b) for b in await streamed(number.id, YEAR_BEFORE, 5)] == [5]


async def test_nothing_to_read_yields_nothing_and_totals_are_zero() -> None:
    number = await a_number()
    assert await streamed(number.id, YEAR_BEFORE, 10) == []
    assert await usage_totals(number.id, YEAR_BEFORE) == [
        KindTotal(kind, 0, 0, 0, 0, "RUB") for kind in UsageKind
    ]


async def test_the_window_includes_from_and_excludes_to() -> None:
    number = await a_number()
    start, end = NOW - timedelta(days=2), NOW - timedelta(days=1)
    made = await stored(
        number,
        [
            record(number, start - timedelta(microseconds=1), tag="before"),
            record(number, start, tag="first"),
            record(number, end - timedelta(microseconds=1), tag="last"),
            record(number, end, tag="after"),
        ],
    )
    by_tag = {r.external_id.split("-")[-2]: r.id for r in made.records}
    batches = await streamed(number.id, checked_filter(start, end), 10)
    assert batches == [[by_tag["last"], by_tag["first"]]]


async def test_rows_carry_everything_an_export_prints() -> None:
    number = await a_number()
    at = NOW - timedelta(hours=3)
    await stored(
        number,
        [
            record(
                number,
                at,
                kind=UsageKind.DATA,
                counterpart="internet",
                seconds=600,
                size=5 * 1024 * 1024,
                cost=500,
                roaming_zone="europe",
            )
        ],
    )
    [[row]] = [batch async for batch in stream_usage(number.id, YEAR_BEFORE)]
    assert row._replace(id=0) == (
        0,
        UsageKind.DATA,
        UsageDirection.OUT,
        "internet",
        at,
        600,
        5 * 1024 * 1024,
        500,
        "RUB",
        "europe",
    )
    assert row.started_at.utcoffset() == timedelta(0)


async def test_a_key_past_the_windows_end_never_lets_later_records_in() -> None:
    number = await a_number()
    start, end = NOW - timedelta(days=2), NOW - timedelta(days=1)
    made = await stored(
        number,
        [record(number, start, tag="inside"), record(number, end + timedelta(hours=1), tag="out")],
    )
    inside = next(r.id for r in made.records if r.started_at == start)
    window = checked_filter(start, end)
    for key in (Key(end, 10**9), Key(NOW + timedelta(days=30), 10**9)):
        assert [r.id for r in await read_batch(number.id, window, key, 10)] == [inside]
    assert await read_batch(number.id, window, Key(start, inside), 10) == []
