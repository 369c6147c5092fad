"""Property: over random trees of phone numbers and home contracts, users, grants and
expiries, no viewer ever reads a field above their level, through any path (viewer.lines,
viewer.numbers, number(), node(), a mutation naming the line, nested accounts).

The expected level comes from an oracle written here, independently of the SQL the
gateway uses."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strawberry.relay import to_base64

from models import AccessLevel, HomeContract
from permissions.levels import Level
from tests.support import family
from tests.support.database import empty_all_tables

PEOPLE = 4
FIELDS = (
    "__typename accessLevel balance { amount } grants { level } account { name } "
    "... on Number { msisdn } ... on HomeContract { contractNumber address }"
)
VIEWER_LINES = "{ viewer { lines { FIELDS } numbers { msisdn } } }".replace("FIELDS", FIELDS)
NUMBER = "query($m: String!) { number(msisdn: $m) { FIELDS } }".replace(
    "FIELDS", FIELDS.replace("... on HomeContract { contractNumber address }", "")
)
NODE = "query($id: ID!) { node(id: $id) { ... on Line { FIELDS } } }".replace("FIELDS", FIELDS)
# A mutation naming a contract: NOT_FOUND below TOPUP, like a contract that does not exist.
CANCEL = """
mutation($c: String) { cancelTariffChange(contractNumber: $c) { operation { id } } }
"""
# Fewer fields per line in the tree: four levels of both kinds stay within the cost limit.
TREE_FIELDS = (
    "__typename accessLevel balance { amount } "
    "... on Number { msisdn } ... on HomeContract { contractNumber }"
)
TREE = (
    "{ viewer { accounts { lines { FIELDS } children { lines { FIELDS } children { "
    "lines { FIELDS } children { lines { FIELDS } } } } } } }"
).replace("FIELDS", TREE_FIELDS)


@dataclass(frozen=True)
class Spec:
    accounts: list[tuple[int, int | None]]  # (owner, parent account index)
    numbers: list[tuple[int, int | None, bool]]  # (account index, user, a home contract)
    grants: list[tuple[int, int, str, str, bool]]  # number, grantee, level, expiry, revoked


@st.composite
def specs(draw) -> Spec:
    accounts: list[tuple[int, int | None]] = []
    for i in range(draw(st.integers(1, 6))):
        parent = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        accounts.append((draw(st.integers(0, PEOPLE - 1)), parent))
    numbers = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(accounts) - 1),
                st.one_of(st.none(), st.integers(0, PEOPLE - 1)),
                st.booleans(),
            ),
            min_size=1,
            max_size=6,
        )
    )
    grants = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(numbers) - 1),
                st.integers(0, PEOPLE - 1),
                st.sampled_from(["FULL", "TOPUP"]),
                st.sampled_from(["none", "past", "future"]),
                st.booleans(),
            ),
            max_size=6,
        )
    )
    return Spec(accounts, numbers, grants)


def oracle_level(spec: Spec, person: int, number_index: int) -> Level:
    account_index, user, _ = spec.numbers[number_index]
    walk: int | None = account_index
    while walk is not None:
        owner, parent = spec.accounts[walk]
        if owner == person:
            return Level.OWNER
        walk = parent
    level = Level.FULL if user == person else Level.NONE
    for number, grantee, grant_level, expiry, revoked in spec.grants:
        if number == number_index and grantee == person and not revoked and expiry != "past":
            level = max(level, Level[grant_level])
    return level


async def build(spec: Spec):
    people = [await family.subscriber(f"P{i}") for i in range(PEOPLE)]
    accounts = []
    for owner, parent in spec.accounts:
        accounts.append(
            await family.account(people[owner], accounts[parent] if parent is not None else None)
        )
    numbers = [
        await (family.home_contract if home else family.number)(
            accounts[a], user=people[u] if u is not None else None
        )
        for a, u, home in spec.numbers
    ]
    now = datetime.now(UTC)
    expiries = {"none": None, "past": now - timedelta(seconds=5), "future": now + timedelta(days=1)}
    for n, grantee, level, expiry, revoked in spec.grants:
        await family.grant(
            numbers[n],
            people[grantee],
            AccessLevel(level),
            by=people[spec.accounts[spec.numbers[n][0]][0]],
            expires_at=expiries[expiry],
            revoked_at=now if revoked else None,
        )
    return people, numbers


def check_number(seen: dict, expected: Level, where: str) -> None:
    assert expected > Level.NONE, f"{where}: saw a line the viewer has NONE on"
    assert seen["accessLevel"] == expected.name, where
    assert (seen["balance"] is not None) == (expected >= Level.FULL), where
    if "address" in seen:  # a contract's, where asked for
        assert (seen["address"] is not None) == (expected >= Level.FULL), where
    if "grants" in seen:
        assert (seen["grants"] is not None) == (expected is Level.OWNER), where
    if "account" in seen:
        assert (seen["account"] is not None) == (expected is Level.OWNER), where


def walk_accounts(accounts: list[dict]):
    for account in accounts or []:
        yield from account.get("lines") or []
        yield from walk_accounts(account.get("children") or [])


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=specs())
async def test_no_viewer_reads_above_their_level_through_any_path(gql, viewers, spec):
    await empty_all_tables()
    people, numbers = await build(spec)
    contracts = dict(
        await HomeContract.filter(line_id__in=[n.id for n in numbers]).values_list(
            "line_id", "contract_number"
        )
    )
    names = [contracts.get(n.id) or n.msisdn for n in numbers]
    by_name = {name: i for i, name in enumerate(names)}
    for person, subscriber in enumerate(people):
        token = await viewers.token_for(subscriber)
        expected = {i: oracle_level(spec, person, i) for i in range(len(numbers))}

        viewer = (await gql(VIEWER_LINES, token=token)).data["viewer"]
        listed = viewer["lines"]
        visible = {i for i, lv in expected.items() if lv}
        assert {by_name[_name(n)] for n in listed} == visible
        assert {by_name[n["msisdn"]] for n in viewer["numbers"]} == {
            i for i in visible if numbers[i].id not in contracts
        }
        for seen in listed:
            check_number(seen, expected[by_name[_name(seen)]], "viewer.lines")

        for i, number in enumerate(numbers):
            home = number.id in contracts
            paths = [(NODE, {"id": to_base64(_TYPE[home], number.id)}, "node()")]
            if not home:
                paths.append((NUMBER, {"m": number.msisdn}, "number()"))
            for query, variables, where in paths:
                result = await gql(query, variables, token=token)
                seen = (result.data or {}).get("number") or (result.data or {}).get("node")
                if expected[i] is Level.NONE:
                    assert seen is None and "NOT_FOUND" in result.error_codes, where
                else:
                    check_number(seen, expected[i], where)
            if home and expected[i] is Level.NONE:
                hidden = await gql(CANCEL, {"c": contracts[number.id]}, token=token)
                missing = await gql(CANCEL, {"c": "999999999"}, token=token)
                assert hidden.errors[0]["message"] == missing.errors[0]["message"]
                assert hidden.error_codes == missing.error_codes == ["NOT_FOUND"]

        tree = (await gql(TREE, token=token)).data["viewer"]["accounts"]
        for seen in walk_accounts(tree):
            assert expected[by_name[_name(seen)]] is Level.OWNER, "accounts tree"
            check_number(seen, Level.OWNER, "accounts tree")


_TYPE = {True: "HomeContract", False: "Number"}


def _name(seen: dict) -> str:
    return seen.get("contractNumber") or seen["msisdn"]
