"""The family-tree query: nested accounts with numbers, at a fixed SQL cost."""

from datetime import UTC, datetime, timedelta

import pytest

from models import (
    AccessLevel,
    BlockReason,
    Number,
    NumberLimits,
    NumberService,
    NumberSettings,
    NumberStatus,
    Service,
)
from tests.support import family
from tests.support.queries import count_queries

FAMILY_TREE = """
{ viewer {
    accounts {
      numbers { msisdn accessLevel balance { amount } tariff { name } }
      children { numbers { msisdn balance { amount } } }
    }
    numbers { msisdn accessLevel }
} }
"""
DEEP_TREE = """
{ viewer { accounts { name numbers { msisdn } children { name numbers { msisdn }
  children { name numbers { msisdn } children { name numbers { msisdn }
  children { name numbers { msisdn balance { amount } } parent { name } } } } } } } }
"""


async def test_family_tree_as_owner_shows_every_level(gql, viewers):
    tree = await family.family_tree(total_numbers=5, depth=2)
    token = await viewers.token_for(tree.owner)
    data = (await gql(FAMILY_TREE, token=token)).ok()["viewer"]
    assert len(data["accounts"]) == 1
    top = data["accounts"][0]
    assert len(top["numbers"]) == 3
    assert {n["accessLevel"] for n in top["numbers"]} == {"OWNER"}
    assert top["numbers"][0]["balance"] == {"amount": "100.00"}
    assert top["numbers"][0]["tariff"] == {"name": "Базовый"}
    assert len(top["children"][0]["numbers"]) == 2
    assert len(data["numbers"]) == 5


@pytest.mark.parametrize("size", [5, 500])
async def test_family_tree_costs_the_same_statements_for_5_and_500_numbers(gql, viewers, size):
    tree = await family.family_tree(total_numbers=size, depth=2)
    token = await viewers.token_for(tree.owner)
    with count_queries() as sql:
        data = (await gql(FAMILY_TREE, token=token)).ok()["viewer"]
    assert len(data["numbers"]) == size
    # the token; the reach: owned accounts (recursive) with their numbers, balances,
    # tariffs and the viewer's grants
    assert sql.count == 2, sql.statements


FAMILY_TREE_WITH_ALLOWANCES = """
{ viewer {
    accounts {
      numbers { msisdn balance { amount } tariff { name } allowances { kind remaining } }
      children { numbers { msisdn allowances { kind remaining } } }
    }
    numbers { msisdn accessLevel }
} }
"""


@pytest.mark.parametrize("size", [5, 500])
async def test_family_tree_with_allowances_costs_the_same_statements_for_5_and_500(
    gql, viewers, size
):
    tree = await family.family_tree(total_numbers=size, depth=2)
    extra = await Service.create(
        code="extra-1gb", name="1 GB", category="internet", monthly_fee=100, data_mb=1024
    )
    await NumberService.bulk_create(
        [NumberService(number=n, service=extra, connected_at=n.activated_at) for n in tree.numbers]
    )
    token = await viewers.token_for(tree.owner)
    with count_queries() as sql:
        data = (await gql(FAMILY_TREE_WITH_ALLOWANCES, token=token)).ok()["viewer"]
    top = data["accounts"][0]
    assert len(top["numbers"]) + len(top["children"][0]["numbers"]) == size
    assert top["numbers"][0]["allowances"] == [
        {"kind": "MINUTES", "remaining": 300},
        {"kind": "SMS", "remaining": 100},
        {"kind": "DATA", "remaining": 5120 + 1024},
    ]
    # the token; the reach; the period's usage of every number; their connected services;
    # the service catalogue
    assert sql.count == 5, sql.statements


async def test_five_levels_deep_as_owner_cost_no_more(gql, viewers):
    tree = await family.family_tree(total_numbers=10, depth=5)
    token = await viewers.token_for(tree.owner)
    with count_queries() as sql:
        data = (await gql(DEEP_TREE, token=token)).ok()["viewer"]
    level = data["accounts"][0]
    for _ in range(4):
        assert len(level["numbers"]) == 2
        level = level["children"][0]
    assert level["name"] == "Level 4"
    assert level["parent"] == {"name": "Level 3"}
    assert level["numbers"][0]["balance"] == {"amount": "100.00"}
    assert sql.count == 2, sql.statements  # the token, the reach


async def test_viewer_without_tree_fields_does_not_load_the_reach(gql, viewers):
    tree = await family.family_tree(total_numbers=3, depth=1)
    token = await viewers.token_for(tree.owner)
    with count_queries() as sql:
        (await gql("{ viewer { kind scopes } }", token=token)).ok()
    assert sql.count == 1  # the token alone


async def test_tree_fields_behind_a_fragment_still_resolve(gql, viewers):
    tree = await family.family_tree(total_numbers=3, depth=1)
    token = await viewers.token_for(tree.owner)
    query = "{ viewer { ...Tree } } fragment Tree on Viewer { numbers { msisdn } }"
    assert len((await gql(query, token=token)).ok()["viewer"]["numbers"]) == 3


FAMILY_TREE_WITH_CARE = """
{ viewer {
    accounts {
      numbers { msisdn status block { reason until } allowances { kind remaining }
                roaming callForwarding { condition to } limits { userMayChangeTariff } }
      children { numbers { msisdn status block { reason since } roaming
                           limits { monthlySpendCap { amount } } } }
    }
} }
"""


@pytest.mark.parametrize("size", [5, 500])
async def test_family_tree_with_blocks_roaming_forwarding_and_limits_costs_the_same_for_5_and_500(
    gql, viewers, size
):
    tree = await family.family_tree(total_numbers=size, depth=2)
    now = datetime.now(UTC)
    every_other = [n.id for n in tree.numbers[::2]]
    await Number.filter(id__in=every_other).update(
        status=NumberStatus.BLOCKED,
        block_reason=BlockReason.VOLUNTARY,
        blocked_at=now,
        blocked_until=now + timedelta(days=10),
        block_operation_id=1,
    )
    await NumberSettings.bulk_create(
        [
            NumberSettings(
                number=n,
                roaming_enabled=True,
                call_forwarding=[{"condition": "BUSY", "to": "+79161234567"}],
                updated_at=now,
            )
            for n in tree.numbers
        ]
    )
    await NumberLimits.bulk_create(
        [NumberLimits(number=n, monthly_spend_cap=30_000, updated_at=now) for n in tree.numbers]
    )
    token = await viewers.token_for(tree.owner)
    with count_queries() as sql:
        data = (await gql(FAMILY_TREE_WITH_CARE, token=token)).ok()["viewer"]
    top, child = data["accounts"][0], data["accounts"][0]["children"][0]
    assert len(top["numbers"]) + len(child["numbers"]) == size
    first = top["numbers"][0]
    assert first["status"] == "BLOCKED" and first["block"]["reason"] == "VOLUNTARY"
    assert first["roaming"] is True
    assert first["callForwarding"] == [{"condition": "BUSY", "to": "+79161234567"}]
    assert first["limits"] == {"userMayChangeTariff": True}
    assert child["numbers"][0]["limits"] == {"monthlySpendCap": {"amount": "300.00"}}
    # the token; the reach (status and block come with it); roaming, forwarding and limits
    # together; the period's usage; the connected services (none: no catalogue read)
    assert sql.count == 5, sql.statements


FAMILY_LINES = """
{ viewer {
    accounts {
      lines { __typename accessLevel canTopUp label status balance { amount } tariff { name }
        user { fullName } services { service { code } } grants { level }
        autopay { kind } trustPayment { unavailableReason }
        payments(first: 2) { nodes { id } } requests(first: 2) { edges { node { kind } } }
        ... on Number { msisdn }
        ... on HomeContract { contractNumber address internet tv login connectedAt
          tvPackages { service { code } } } }
      children { lines { __typename accessLevel balance { amount }
        ... on Number { msisdn } ... on HomeContract { contractNumber address } } }
    }
    lines { accessLevel }
} }
"""


@pytest.mark.parametrize("size", [5, 500])
async def test_a_tree_of_numbers_and_home_contracts_costs_the_same_for_5_and_500_lines(
    gql, viewers, size
):
    # Half of the lines are home contracts, in both accounts of the tree.
    tree = await family.family_tree(total_numbers=size - size // 2, depth=2)
    for account, how_many in zip(tree.accounts, (size // 4, size // 2 - size // 4), strict=True):
        tree.contracts += await family.home_contracts_in(account, how_many, user=tree.owner)
    token = await viewers.token_for(tree.owner)
    with count_queries() as sql:
        data = (await gql(FAMILY_LINES, token=token)).ok()["viewer"]
    assert len(data["lines"]) == size
    top = data["accounts"][0]["lines"]
    assert {line["__typename"] for line in top} == {"Number", "HomeContract"}
    # the token; the reach; then one statement each for the users, the connected services,
    # the grants, the autopay rules, the trust payments, the payments' and the requests'
    # first pages (no line has a service, so services by id are not read)
    assert sql.count == 9, (sql.count, [" ".join(s.split())[:60] for s in sql.statements])


async def test_an_owners_empty_account_hides_none_of_the_numbers_and_grants(gql, viewers):
    # The reach's rows carry an account without numbers as a row of nulls; PostgreSQL
    # sorts it first. Reading must go on past it.
    owner = await family.subscriber("Owner")
    await family.account(owner)  # empty
    numbers = await family.account(owner)
    mine = await family.number(numbers)
    relative = await family.subscriber("Relative")
    theirs = await family.number(await family.account(relative))
    await family.grant(theirs, owner, AccessLevel.FULL, by=relative)
    seen = (
        await gql(
            "{ viewer { accounts { numbers { msisdn } } numbers { msisdn } } }",
            token=await viewers.token_for(owner),
        )
    ).ok()["viewer"]
    assert sorted(n["msisdn"] for n in seen["numbers"]) == sorted([mine.msisdn, theirs.msisdn])
    assert sorted(len(a["numbers"]) for a in seen["accounts"]) == [0, 1]
