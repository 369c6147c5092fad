from datetime import UTC, datetime, timedelta, timezone

from models import UsageRecord
from resolvers.demo.usage_bulk import busy_number_usage, insert_usage, rows_of
from resolvers.sql import fetch_all
from resolvers.usage_detail import checked_filter, stream_usage
from tests.resolvers.usage_detail.world import a_number, record

AT = datetime(2026, 3, 5, 7, 8, 9, 123456, tzinfo=timezone(timedelta(hours=5)))


async def test_a_record_inserted_in_bulk_is_stored_as_the_orm_stores_it() -> None:
    number = await a_number()
    await record(number, AT, tag="orm").save()
    await insert_usage(rows_of(number.id, [record(number, AT, tag="bulk")]))
    raw = await fetch_all("SELECT started_at FROM usage_records ORDER BY id")
    assert raw[0]["started_at"] == raw[1]["started_at"]
    stored = await UsageRecord.filter(number_id=number.id).order_by("id")
    assert [r.started_at for r in stored] == [AT, AT]


async def test_a_busy_number_gets_exactly_the_records_asked_within_the_year() -> None:
    number = await a_number()
    now = datetime(2026, 11, 16, 12, tzinfo=UTC)
    assert await insert_usage(busy_number_usage(number.id, number.msisdn, 2_345, now), 1000) == (
        2_345
    )
    year = checked_filter(now - timedelta(days=365), now)
    rows = [row async for batch in stream_usage(number.id, year, 500) for row in batch]
    assert len(rows) == 2_345
    assert {row.kind.value for row in rows} == {"CALL", "SMS", "DATA"}
    assert any(row.roaming_zone for row in rows)
    again = list(busy_number_usage(number.id, number.msisdn, 50, now))
    assert again == list(busy_number_usage(number.id, number.msisdn, 50, now))  # seeded
