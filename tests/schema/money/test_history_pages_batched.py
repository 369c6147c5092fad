"""The first page of every number's payments and ledger entries is read for the whole tree
in one statement each; its cursor goes on, number by number, on the single-number path."""

from __future__ import annotations

from models import Subscriber
from resolvers.demo import DEMO_PHONES, seed_demo
from tests.support.full_family import full_family
from tests.support.queries import count_queries

FIRST_PAGES = """
{ viewer { numbers { msisdn
  payments(first: 1) { nodes { id } pageInfo { hasNextPage endCursor } }
  balanceHistory(first: 1) { nodes { id reason } pageInfo { hasNextPage endCursor } }
} } }
"""
NEXT_PAGES = """
query($m: String!, $p: String!, $l: String!) { number(msisdn: $m) {
  payments(first: 1, after: $p) { nodes { id } pageInfo { hasNextPage } }
  balanceHistory(first: 1, after: $l) { nodes { id } pageInfo { hasNextPage } }
  all: payments(first: 10) { nodes { id } }
  history: balanceHistory(first: 10) { nodes { id } }
} }
"""


async def test_first_pages_of_a_tree_as_owner_continue_after_their_cursors(gql, viewers):
    tree = await full_family(3)
    token = await viewers.token_for(tree.owner)
    with count_queries() as sql:
        numbers = (await gql(FIRST_PAGES, token=token)).ok()["viewer"]["numbers"]
    assert sql.count == 4  # the token, the reach, payments' pages, ledger entries' pages
    assert len(numbers) == 3
    for number in numbers:
        payments, history = number["payments"], number["balanceHistory"]
        assert payments["pageInfo"]["hasNextPage"] and history["pageInfo"]["hasNextPage"]
        variables = {
            "m": number["msisdn"],
            "p": payments["pageInfo"]["endCursor"],
            "l": history["pageInfo"]["endCursor"],
        }
        rest = (await gql(NEXT_PAGES, variables, token=token)).ok()["number"]
        assert rest["payments"]["pageInfo"]["hasNextPage"] is False
        paged = payments["nodes"] + rest["payments"]["nodes"]
        assert paged == rest["all"]["nodes"] and len(paged) == 2
        assert history["nodes"][0]["id"] == rest["history"]["nodes"][0]["id"]
        assert rest["balanceHistory"]["nodes"] == rest["history"]["nodes"][1:2]


async def test_two_page_sizes_in_one_query_are_two_statements_not_one_per_number(gql, viewers):
    tree = await full_family(4)
    token = await viewers.token_for(tree.owner)
    query = """{ viewer { numbers { one: payments(first: 1) { nodes { id } }
      two: payments(first: 2) { nodes { id } } } } }"""
    with count_queries() as sql:
        numbers = (await gql(query, token=token)).ok()["viewer"]["numbers"]
    assert sql.count == 4  # the token, the reach, a statement per page size
    for number in numbers:
        assert number["one"]["nodes"] == number["two"]["nodes"][:1]
        assert len(number["two"]["nodes"]) == 2


FAMILY_PAGE = """
{ viewer { numbers { msisdn label balance { amount }
  autopay { kind amount { amount } cardLast4 }
  trustPayment { offer { amount { amount } } unavailableReason current { status dueAt } }
  payments(first: 3) { nodes { amount { amount } status createdAt }
                       pageInfo { hasNextPage endCursor } } } } }
"""


async def test_readme_family_page_as_the_family_owner(gql, viewers):
    await seed_demo()
    owner = await Subscriber.get(phone=DEMO_PHONES["owner"])
    token = await viewers.token_for(owner)
    with count_queries() as sql:
        result = await gql(FAMILY_PAGE, token=token)
    # the token, the reach, autopay rules, trust payments, the spend of those that may be
    # offered one, the payments' first pages
    assert sql.count == 6, sql.statements
    numbers = {n["msisdn"]: n for n in result.data["viewer"]["numbers"]}
    assert len(numbers) == 5
    # Ольга's number is TOPUP to her daughter: its money is not hers to see.
    mother = numbers["+79990000005"]
    assert mother["autopay"] is mother["trustPayment"] is mother["payments"] is None
    order = [n["msisdn"] for n in result.data["viewer"]["numbers"]]
    assert {e["path"][2] for e in result.errors} == {order.index("+79990000005")}
    assert set(result.error_codes) == {"FORBIDDEN"}
    assert numbers["+79990000003"]["trustPayment"]["offer"] is not None
