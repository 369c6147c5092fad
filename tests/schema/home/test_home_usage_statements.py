"""A family of phone numbers and home contracts asked for every line's usage (first page,
totals, internet per day) in one query: the same statements for 5 lines as for 500, both
kinds read by the same batched statements."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import UsageKind, UsageRecord
from tests.schema.exports.world import NOVEMBER, NOW
from tests.schema.home.usage_world import contract_usage
from tests.support import family
from tests.support.queries import count_queries

USAGE = """
fragment Detail on Line { __typename usage(filter: $filter, first: 3) {
  edges { node { kind bytes cost { amount } } } pageInfo { hasNextPage }
  totals { kind count bytes } dailyTraffic { day bytes } timeZone } }
query($filter: UsageFilter!) { viewer {
  lines { ...Detail }
  accounts { lines { ...Detail } }
} }
"""
# The token; the reach; the first pages of every line; the reader's time zone; the totals;
# the internet per day.
STATEMENTS = 6


async def family_of(lines: int):
    """An owner's two accounts, each half phone numbers and half home contracts, every line
    with a November of internet, the contracts with TV charges too."""
    owner = await family.subscriber("Owner")
    top = await family.account(owner)
    below = await family.account(owner, parent=top)
    records: list[UsageRecord] = []
    for account, share in ((top, (lines + 1) // 2), (below, lines // 2)):
        for phone in await family.numbers_in(account, share - share // 2):
            records += [r for r in contract_usage(phone) if r.kind is UsageKind.DATA]
        for contract in await family.home_contracts_in(account, share // 2):
            records += contract_usage(contract)
    await UsageRecord.bulk_create(records, batch_size=1000)
    return owner


@pytest.mark.parametrize("lines", [5, 500])
async def test_usage_of_every_line_as_owner_costs_the_same_for_5_and_500_lines(
    gql, viewers, services, lines
):
    services.clock = lambda: NOW + timedelta(days=1)
    owner = await family_of(lines)
    token = await viewers.token_for(owner)
    with count_queries() as sql:
        answer = (await gql(USAGE, {"filter": NOVEMBER}, token=token)).ok()["viewer"]
    assert len(answer["lines"]) == lines
    kinds = {line["__typename"] for line in answer["lines"]}
    assert kinds == {"Number", "HomeContract"}
    for line in answer["lines"]:
        usage = line["usage"]
        assert len(usage["edges"]) == 3 and usage["pageInfo"]["hasNextPage"]
        assert len(usage["dailyTraffic"]) == 4
        expected = ["CALL", "SMS", "DATA"] if line["__typename"] == "Number" else ["DATA", "TV"]
        assert [total["kind"] for total in usage["totals"]] == expected
    assert sql.count == STATEMENTS, sql.statements
