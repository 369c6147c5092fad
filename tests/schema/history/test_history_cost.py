"""The request history in the cost analysis: each page costs its `first` times what a
record selects, like every other connection."""

from graphql import parse

from resolvers.policy import DocumentLimits
from schema import schema
from schema.limits import analyse

RECORD = "edges { cursor node { kind summary actor { fullName } } } pageInfo { hasNextPage }"


def cost(query: str) -> int:
    return analyse(schema._schema, parse(query), DocumentLimits()).totals.cost


def test_requests_cost_grows_with_first_on_a_number_and_on_the_viewer():
    for path in (
        "viewer { numbers { requests(first: {n}) { R } } }",
        "viewer { requests(first: {n}) { R } }",
    ):
        three = cost("{ " + path.replace("{n}", "3").replace("R", RECORD) + " }")
        hundred = cost("{ " + path.replace("{n}", "100").replace("R", RECORD) + " }")
        assert hundred > 10 * three > 0


def test_a_tree_asking_100_records_per_number_is_over_the_default_cost():
    query = "{ viewer { numbers { requests(first: 100) { " + RECORD + " } } } }"
    assert cost(query) > DocumentLimits().max_cost
    query = "{ viewer { numbers { requests(first: 3) { " + RECORD + " } } } }"
    assert cost(query) <= DocumentLimits().max_cost
