"""The request history across numbers: `requests(first: 3)` on every number of a family
tree at a fixed statement count, and `viewer.requests` across every number seen at FULL."""

from datetime import UTC, datetime, timedelta

import pytest

from models import ActorRole, Operation, OperationKind, OperationStatus
from tests.schema.history.world import build_history, world_of
from tests.support import family
from tests.support.queries import count_queries

TREE_WITH_REQUESTS = """
{ viewer { accounts {
    numbers { msisdn requests(first: 3) {
      edges { cursor node { kind status actorRole summary actor { fullName } } }
      pageInfo { hasNextPage endCursor } } }
    children { numbers { msisdn requests(first: 3) { edges { node { kind summary } } } } }
} } }
"""
VIEWER_REQUESTS = """
query($first: Int!, $after: String, $f: RequestFilter) { viewer {
  requests(first: $first, after: $after, filter: $f) {
    edges { node { kind actorRole number { msisdn } } } pageInfo { hasNextPage endCursor } } } }
"""
START = datetime(2026, 11, 1, tzinfo=UTC)


async def five_records_each(tree) -> None:
    kinds = [OperationKind.TOPUP, OperationKind.GRANT, OperationKind.TRUST_PAYMENT]
    await Operation.bulk_create(
        [
            Operation(
                number_id=number.id,
                kind=kinds[i % len(kinds)],
                status=OperationStatus.COMPLETED,
                details={"amount": 10_000 * (i + 1), "level": "FULL", "fee": 500},
                actor_role=ActorRole.OWNER,
                actor_subscriber_id=tree.owner.id,
                created_at=START + timedelta(minutes=i),
                finished_at=START + timedelta(minutes=i),
            )
            for number in tree.numbers
            for i in range(5)
        ]
    )


@pytest.mark.parametrize("size", [5, 500])
async def test_family_tree_with_requests_costs_the_same_statements_for_5_and_500(
    gql, viewers, size
):
    tree = await family.family_tree(total_numbers=size, depth=2)
    await five_records_each(tree)
    token = await viewers.token_for(tree.owner)
    with count_queries() as sql:
        data = (await gql(TREE_WITH_REQUESTS, token=token)).ok()["viewer"]
    top = data["accounts"][0]
    assert len(top["numbers"]) + len(top["children"][0]["numbers"]) == size
    first = top["numbers"][0]["requests"]
    assert [e["node"]["summary"] for e in first["edges"]] == [
        "Выдан полный доступ абоненту",
        "Пополнение 400,00 ₽",
        "Доверительный платёж 300,00 ₽, комиссия 5,00 ₽",
    ]
    assert first["edges"][0]["node"]["actor"] == {"fullName": "Owner"}
    assert first["pageInfo"]["hasNextPage"] is True
    # the token; the reach; every number's first 3 records in one statement; the actors
    # (top-ups, grants and trust payments are told without the catalogue)
    assert sql.count == 4, sql.statements


async def test_viewer_requests_as_owner_merge_every_number_newest_first(gql, viewers):
    tree = await family.family_tree(total_numbers=3, depth=1)
    await five_records_each(tree)
    token = await viewers.token_for(tree.owner)
    with count_queries() as sql:
        data = (await gql(VIEWER_REQUESTS, {"first": 4}, token=token)).ok()["viewer"]
    edges = data["requests"]["edges"]
    # Each number's newest (minute 4) first, then the minute-3 records.
    assert [e["node"]["kind"] for e in edges] == ["GRANT"] * 3 + ["TOPUP"]
    assert len({e["node"]["number"]["msisdn"] for e in edges[:3]}) == 3
    assert sql.count == 3, sql.statements  # the token, the reach, one page across numbers
    seen, after = 0, None
    while True:
        variables = {"first": 4, "after": after}
        page = (await gql(VIEWER_REQUESTS, variables, token=token)).ok()["viewer"]["requests"]
        seen += len(page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == 15


async def test_viewer_requests_as_each_viewer_kind_list_only_numbers_seen_at_full(
    gql, viewers, services
):
    world = await world_of(viewers, services)
    await build_history(gql, world)
    other = await family.number(await family.account(await family.subscriber("Other")))
    await Operation.create(
        number_id=other.id,
        kind=OperationKind.TOPUP,
        status=OperationStatus.COMPLETED,
        details={"amount": 100},
        actor_role=ActorRole.SYSTEM,
        created_at=START,
    )
    expected = {
        "owner": 5,
        "user": 5,
        "full_delegate": 5,
        "partner_with_manage": 5,
        "topup_delegate": 0,
        "partner_without_manage": 0,  # no balance:read
        "stranger": 0,
    }
    for kind, count in expected.items():
        result = await gql(VIEWER_REQUESTS, {"first": 50}, token=world.tokens[kind])
        edges = result.ok()["viewer"]["requests"]["edges"]
        assert len(edges) == count, kind
        assert {e["node"]["number"]["msisdn"] for e in edges} <= {world.number.msisdn}
    anonymous = await gql(VIEWER_REQUESTS, {"first": 5})
    assert anonymous.ok()["viewer"] is None


@pytest.mark.parametrize("size", [5, 500])
async def test_family_tree_with_tariff_changes_reads_the_catalogue_once_for_5_and_500(
    gql, viewers, size
):
    tree = await family.family_tree(total_numbers=size, depth=2)
    tariff = await family.tariff()
    await Operation.bulk_create(
        [
            Operation(
                number_id=number.id,
                kind=OperationKind.TARIFF_CHANGE,
                status=OperationStatus.COMPLETED,
                details={"from_tariff_id": tariff.id, "tariff_id": tariff.id, "effective": "NOW"},
                actor_role=ActorRole.NUMBER_USER,
                created_at=START,
            )
            for number in tree.numbers
        ]
    )
    token = await viewers.token_for(tree.owner)
    with count_queries() as sql:
        data = (await gql(TREE_WITH_REQUESTS, token=token)).ok()["viewer"]
    edges = data["accounts"][0]["numbers"][0]["requests"]["edges"]
    assert edges[0]["node"]["summary"] == "Смена тарифа: «Базовый» → «Базовый»"
    # the token; the reach; the records; the catalogue (tariffs, services, which fits
    # which, exclusions), once for the whole tree (no actor recorded: none to load)
    assert sql.count == 7, sql.statements
