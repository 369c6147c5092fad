"""The first page of every number's payments and ledger entries is read for the whole tree
in one statement each; its cursor goes on, number by number, on the single-number path."""

from __future__ import annotations

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
