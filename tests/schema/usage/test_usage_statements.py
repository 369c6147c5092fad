"""What a page of the usage detail costs in SQL: the same few statements whatever the
number's history size, and on PostgreSQL a plan that reads one page of the index, not
the history."""

from datetime import UTC, datetime, timedelta

import pytest

from resolvers.demo.usage_bulk import busy_number_usage, insert_usage
from resolvers.sql import fetch_all, is_postgres, keys_param
from resolvers.usage_detail import checked_filter
from resolvers.usage_detail.rows import USAGE, Key, batch_query, filter_condition
from tests.schema.usage.world import build_world, window
from tests.support.queries import count_queries

NOW = datetime(2026, 11, 16, 12, tzinfo=UTC)
PAGE_AND_TOTALS = """
query($m: String!, $filter: UsageFilter!, $after: String) {
  number(msisdn: $m) { usage(filter: $filter, first: 100, after: $after) {
    edges { cursor node { id kind startedAt cost { amount } } }
    pageInfo { hasNextPage endCursor }
    totals { kind count seconds bytes cost { amount } }
  } }
}
"""
YEAR = window(NOW - timedelta(days=365), NOW)


@pytest.mark.parametrize("history", [10, 10_000])
async def test_a_page_and_its_totals_cost_the_same_statements_for_10_and_10000_records(
    gql, viewers, history
):
    world = await build_world(viewers)
    await insert_usage(busy_number_usage(world.number.id, world.number.msisdn, history, NOW))
    variables = {"m": world.number.msisdn, "filter": YEAR}
    first = (await gql(PAGE_AND_TOTALS, variables, token=world.tokens["owner"])).ok()
    after = first["number"]["usage"]["pageInfo"]["endCursor"]
    with count_queries() as sql:
        answer = await gql(
            PAGE_AND_TOTALS, {**variables, "after": after}, token=world.tokens["owner"]
        )
    usage = answer.ok()["number"]["usage"]
    assert len(usage["edges"]) == (0 if history == 10 else 100)
    assert sum(total["count"] for total in usage["totals"]) == history
    # the token; the reach; the page; the reader's time zone; the totals
    assert sql.count == 5, sql.statements


async def _two_busy_numbers() -> list[int]:
    """Two numbers of 50,000 records each, inserted in one statement each, with fresh
    statistics for the planner (PostgreSQL only)."""
    from tests.support import family

    owner = await family.subscriber("Owner")
    account = await family.account(owner)
    busy, other = await family.number(account), await family.number(account)
    for number in (busy, other):
        await fetch_all(
            "INSERT INTO usage_records (external_id, number_id, kind, direction, counterpart, "
            "started_at, duration_seconds, cost, currency) "
            "SELECT 'plan-' || ? || '-' || i, ?, 'CALL', 'OUT', '+79160000000', "
            "?::timestamptz - i * interval '10 minutes', 60, 0, 'RUB' "
            "FROM generate_series(1, 50000) AS i",
            [str(number.id), number.id, NOW],
        )
    await fetch_all("ANALYZE usage_records")
    return [busy.id, other.id]


async def _plan(sql: str, params: list) -> str:
    return "\n".join(row["QUERY PLAN"] for row in await fetch_all(f"EXPLAIN {sql}", params))


async def test_the_page_query_reads_the_index_in_order_on_postgresql():
    if not is_postgres():
        pytest.skip("the plan is PostgreSQL's; SQLite's planner is another")
    busy, _ = await _two_busy_numbers()
    usage_filter = checked_filter(NOW - timedelta(days=364), NOW)
    for after in (None, Key(NOW - timedelta(days=200), 10**9)):
        sql, params = batch_query(busy, usage_filter, after, 101)
        plan = await _plan(sql, params)
        assert "Index Scan Backward using" in plan, plan
        assert "Seq Scan" not in plan and "Sort" not in plan, plan
        if after is not None:  # the cursor bounds the scan itself, not a filter after it
            condition = plan.split("Index Cond:")[1].split("\n")[0]
            assert "started_at <=" in condition, plan


async def test_the_first_pages_of_many_numbers_read_each_numbers_index_on_postgresql():
    if not is_postgres():
        pytest.skip("the plan is PostgreSQL's; SQLite's planner is another")
    numbers = await _two_busy_numbers()
    usage_filter = checked_filter(NOW - timedelta(days=364), NOW)
    condition, params = filter_condition(usage_filter)
    plan = await _plan(USAGE.sql(condition), [keys_param(numbers), *params, 4])
    # Each number's page is a LIMIT over a backward scan of its (number_id, started_at, id)
    # index: the 100,000 records are never read, nor sorted (only the pages are, at the end).
    scan = plan.split("Limit")[1]
    assert "Index Scan Backward using" in scan, plan
    index_condition = scan.split("Index Cond:")[1].split("\n")[0]
    assert "number_id = k.key" in index_condition and "started_at >=" in index_condition, plan
    assert "Seq Scan" not in plan and "Sort" not in scan, plan
