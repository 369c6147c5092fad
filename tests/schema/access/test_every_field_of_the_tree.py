"""Every field of every type reachable from `viewer.accounts` and `viewer.numbers`, in one
document generated from the schema (tests/support/schema_walk.py), costs the same SQL
statements for a family of 5 numbers as for one of 500. A field added to `Number` (or to
anything below it) later is in the document without anyone writing it; if it loads once
per number, the failure names it, measured alone at both sizes. Like every query of the
suite, the document is answered by both executors too (tests/support/twin_executor.py)."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import pytest

from resolvers.dataloader import DataLoader
from resolvers.loaders import Loaders
from resolvers.money.loaders import AutopayByNumberLoader
from schema import schema
from tests.schema.test_every_field import USAGE_FILTER, WALK_BODY_BYTES, WALK_LIMITS
from tests.support.apps import gateway_with
from tests.support.full_family import full_family
from tests.support.graphql import GraphQLClient
from tests.support.hostile import UNLIMITED_RATES
from tests.support.queries import StatementLog, count_queries
from tests.support.schema_walk import SchemaWalk
from tests.support.twin_executor import answered_once

WALK = SchemaWalk(schema._schema, {"filter": USAGE_FILTER})
# Each type in full once: under `accounts` (the top account's numbers and home contract,
# then all below them); `viewer.numbers` and the child account get their leaves. (A tree of
# many contracts is measured by tests/schema/access/test_family_tree.py.)
TREE = WALK.tree_document("viewer", ("accounts", "numbers"))
# The token; the reach; subscribers once per level they appear at (account owners, users,
# grantees; the reader's time zone rides on these); partner apps; grants; connected
# services; services by id; the catalogue (tariffs, services, which fit which tariff,
# exclusions); the period's usage (allowances) and the last three periods'
# (recommendations); pending tariff changes; payments' and ledger entries' first pages;
# trust payments, and the spend of the numbers offered one; autopay rules with their
# cards; the viewer's monthly detail e-mails; the usage detail's first pages, its
# totals and its internet per day; roaming, forwarding and parental limits (one statement
# for all); the request history's first pages; support tickets.
TREE_STATEMENTS = 26
Key = tuple[str, str]
# The settings page's fields of a Subscriber answer only for the viewer themself: on
# everyone else the tree reaches (users, grantees, actors) they are FORBIDDEN, by design.
OWN_SETTINGS = {
    "contactEmail",
    "contactEmailConfirmed",
    "contactEmailConfirmedAt",
    "loginAlias",
    "numbersUsed",
}


def unexpected(errors: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The errors of an answer, less the settings fields refused on others."""
    return [
        error
        for error in errors or []
        if not (
            error.get("extensions", {}).get("code") == "FORBIDDEN"
            and error.get("path")
            and error["path"][-1] in OWN_SETTINGS
        )
    ]


# Every field of 500 numbers is tens of thousands of fields: far past a client's limits and
# the request deadline, which are not what is tested.
TREE_SETTINGS = {
    "document_limits": WALK_LIMITS,
    "max_body_bytes": WALK_BODY_BYTES,
    "request_timeout": 600.0,
    **UNLIMITED_RATES,
}


async def _cost(gql: GraphQLClient, document: str, token: str) -> StatementLog:
    with count_queries() as sql:
        result = await gql(document, token=token)
    assert result.status_code == 200 and not unexpected(result.errors), (document, result.errors)
    return sql


async def costs_per_number(
    gql: GraphQLClient, small_token: str, large_token: str, keys: list[Key] | None = None
) -> list[str]:
    """Each field measured alone (reached by its shortest path, nothing selected below
    it) for both families: the fields that cost more for the larger one, and not because
    the field above them does."""
    differing: dict[Key, tuple[int, int]] = {}
    with answered_once():  # counting, not comparing: the tree itself was compared
        for key in keys or sorted(WALK.alone):
            document = WALK.alone[key]
            small = (await _cost(gql, document, small_token)).count
            large = (await _cost(gql, document, large_token)).count
            if small != large:
                differing[key] = (small, large)
    return [
        f"{owner}.{field}: {small} statements for the small family, {large} for the large"
        for (owner, field), (small, large) in sorted(differing.items())
        if WALK.above.get((owner, field)) not in differing
    ]


async def test_every_field_of_the_tree_costs_the_same_statements_for_5_and_500_numbers(
    settings, viewers
):
    assert {("Number", "autopay"), ("Grant", "grantee"), ("Autopay", "cardLast4")} <= set(
        WALK.alone
    )
    small, large = await full_family(5), await full_family(500)
    tokens = [await viewers.token_for(small.owner), await viewers.token_for(large.owner)]
    async with gateway_with(settings, **TREE_SETTINGS) as big:
        costs = []
        # Both executors answer the small tree; the large one's twin would compare nothing new.
        for token, size, twins in zip(
            tokens, (5, 500), (nullcontext(), answered_once()), strict=True
        ):
            with twins, count_queries() as sql:
                result = await big(TREE, token=token)
            assert result.status_code == 200 and not unexpected(result.errors), result.errors
            viewer = result.data["viewer"]
            assert len(viewer["numbers"]) == size
            # The top account holds half of them, rounded up.
            top = viewer["accounts"][0]["numbers"]
            _assert_every_number_shows_its_data(top, (size + 1) // 2)
            # And the home contract, in the top account.
            contracts = viewer["accounts"][0]["homeContracts"]
            _assert_every_contract_shows_its_data(contracts, 1)
            costs.append(sql)
        if costs[0].count != costs[1].count:
            culprits = await costs_per_number(big, *tokens)
            pytest.fail(
                f"the tree costs {costs[0].count} statements at 5 numbers and "
                f"{costs[1].count} at 500; loaded once per number: {culprits}"
            )
    assert costs[0].count == TREE_STATEMENTS, costs[0].statements


def _assert_every_number_shows_its_data(numbers: list[dict[str, Any]], size: int) -> None:
    """Each loader had rows to hand out: no field is cheap only because it had nothing."""
    assert len(numbers) == size
    for number in numbers:
        for field in ("user", "autopay", "trustPayment", "pendingTariffChange", "account"):
            assert number[field] is not None, (field, number["msisdn"])
        assert len(number["grants"]) == 2 and len(number["services"]) == 1
        assert len(number["payments"]["nodes"]) == 2
        # Grant is expanded in full where the walk first meets it (a number's grants, or
        # an operation's grant in its request history): its grantee is there.
        grants_in_full = number["grants"] if "grantee" in number["grants"][1] else None
        if grants_in_full is not None:
            assert grants_in_full[1]["grantee"]["__typename"] == "PartnerApp"
        assert number["autopay"]["cardLast4"] == "4242"
    offered = [n for n in numbers if n["trustPayment"]["offer"] is not None]
    taken = [n for n in numbers if n["trustPayment"]["current"] is not None]
    assert len(offered) + len(taken) == size and offered and taken


def _assert_every_contract_shows_its_data(contracts: list[dict[str, Any]], size: int) -> None:
    assert len(contracts) == size
    for contract in contracts:
        for field in ("user", "autopay", "trustPayment", "pendingTariffChange", "account"):
            assert contract[field] is not None, (field, contract["contractNumber"])
        assert contract["address"] and contract["login"]
        assert len(contract["grants"]) == 2 and len(contract["services"]) == 2
        assert len(contract["tvPackages"]) == 1


async def test_a_field_loaded_per_number_is_named_with_its_cost(settings, viewers, monkeypatch):
    # Autopay unbatched: one statement per number, as a field without a loader would be.
    def unbatched(self: Loaders) -> DataLoader[Any, Any]:
        return self._made.setdefault(AutopayByNumberLoader, AutopayByNumberLoader(batch=False))

    monkeypatch.setattr(Loaders, "autopay_by_number", property(unbatched))
    small, large = await full_family(2), await full_family(6)
    tokens = [await viewers.token_for(small.owner), await viewers.token_for(large.owner)]
    keys = [("Number", "autopay"), ("Autopay", "cardLast4"), ("Number", "payments")]
    async with gateway_with(settings, **TREE_SETTINGS) as big:
        culprits = await costs_per_number(big, *tokens, keys=keys)
    # The top accounts hold 1 and 3 numbers: the token, the reach, a statement per number.
    # cardLast4 costs more too, but because autopay above it does: only autopay is named.
    assert culprits == ["Number.autopay: 3 statements for the small family, 5 for the large"]


# Issue #17's table: each selection on every number of `viewer.numbers`, and its
# statements per request (the token and the reach, then the selection's own).
TABLE = {
    "msisdn accessLevel balance { amount } tariff { name }": 2,
    "services { service { name } }": 4,  # connections, then the services
    "trustPayment { offer { amount { amount } } unavailableReason current { status } }": 4,
    "autopay { kind cardLast4 }": 3,
    "payments(first: 3) { nodes { id } pageInfo { hasNextPage endCursor } }": 3,
    "balanceHistory(first: 3) { nodes { id } }": 3,
}


async def test_each_selection_of_the_table_costs_the_same_for_5_and_500_numbers(gql, viewers):
    small, large = await full_family(5), await full_family(500)
    tokens = [await viewers.token_for(small.owner), await viewers.token_for(large.owner)]
    measured = {}
    for selection in TABLE:
        document = f"{{ viewer {{ numbers {{ {selection} }} }} }}"
        measured[selection] = [(await _cost(gql, document, token)).count for token in tokens]
    print("\nstatements per request: 5 numbers, 500 numbers")  # the table, again
    for selection, (at_5, at_500) in measured.items():
        print(f"{at_5:>3} {at_500:>4}  {selection}")
    assert measured == {selection: [bound, bound] for selection, bound in TABLE.items()}
