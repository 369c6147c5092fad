"""What a client gets for a document over a limit: BAD_USER_INPUT naming the limit and its
value, before anything runs. And proof that every check costs time linear in the
document: each fragment is analysed once, however often it is spread."""

from __future__ import annotations

import pytest
from graphql import parse

import schema.limits.analysis as analysis_module
from resolvers.policy import DocumentLimits
from schema import schema
from schema.limits import analyse
from tests.support.apps import gateway_with


def refused_by(result, limit: str, value: int) -> None:
    assert result.data is None, result.body
    assert result.errors[0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "limit": limit,
        "value": value,
    }, result.errors
    assert limit in result.errors[0]["message"] and str(value) in result.errors[0]["message"]


def assert_not_refused(result) -> None:
    assert "BAD_USER_INPUT" not in result.error_codes, result.body
    assert "data" in result.body and result.status_code == 200


def fragment_chain(links: int, leaf: str = "tariffs { name }") -> str:
    """Each fragment spreads the next twice: expanded, 2^links copies of the leaf."""
    parts = ["query Chain { ...F0 }"]
    parts += [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(links)]
    parts.append(f"fragment F{links} on Query {{ {leaf} }}")
    return "\n".join(parts)


async def test_anyone_sending_a_chain_of_40_fragments_each_spread_twice_is_refused(gql):
    result = await gql(fragment_chain(40))
    refused_by(result, "GRAPHQL_MAX_COST", 5000)


def test_a_fragment_chain_is_analysed_once_per_selection_set_not_once_per_spread(monkeypatch):
    visits = 0
    real = analysis_module._Analysis.selection_set

    def counting(self, *args):
        nonlocal visits
        visits += 1
        return real(self, *args)

    monkeypatch.setattr(analysis_module._Analysis, "selection_set", counting)
    document = parse(fragment_chain(40))
    totals = analyse(schema._schema, document, DocumentLimits()).totals
    # 41 fragments + the operation + the leaf's `tariffs { name }`: 43 selection sets.
    assert visits == 43
    assert totals.cost == 5001  # capped just above the limit; expanded it is ~2^41


async def test_a_query_nested_deeper_than_10_through_fragments_is_refused(gql):
    inner = "children { " * 8 + "name" + " }" * 8
    query = "{ viewer { ...Deep } } fragment Deep on Viewer { accounts { " + inner + " } }"
    refused_by(await gql(query), "GRAPHQL_MAX_DEPTH", 10)


async def test_a_query_10_deep_is_answered(gql):
    inner = "children { " * 7 + "name" + " }" * 7
    assert_not_refused(await gql("{ viewer { accounts { " + inner + " } } }"))


async def test_16_aliases_are_refused_and_15_answered(gql):
    fifteen = " ".join(f"t{i}: __typename" for i in range(15))
    assert (await gql("{ " + fifteen + " }")).ok()["t14"] == "Query"
    refused_by(await gql("{ " + fifteen + " last: __typename }"), "GRAPHQL_MAX_ALIASES", 15)


async def test_aliases_count_each_time_their_fragment_is_spread(gql):
    query = (
        "{ ...A ...B } fragment A on Query { ...Eight } fragment B on Query { ...Eight } "
        "fragment Eight on Query { " + " ".join(f"a{i}: __typename" for i in range(8)) + " }"
    )
    refused_by(await gql(query), "GRAPHQL_MAX_ALIASES", 15)


async def test_51_directives_are_refused(gql):
    query = "{ __typename " + "@include(if: true) " * 51 + "}"
    refused_by(await gql(query), "GRAPHQL_MAX_DIRECTIVES", 50)


async def test_a_document_of_more_than_1000_tokens_is_refused(gql):
    refused_by(await gql("{ " + "a " * 1000 + "}"), "GRAPHQL_MAX_TOKENS", 1000)


async def test_a_document_over_8_kib_is_refused_before_parsing(gql):
    query = "# " + "x" * 8_200 + "\n{ __typename }"
    refused_by(await gql(query), "GRAPHQL_MAX_DOCUMENT_BYTES", 8192)


@pytest.mark.parametrize("opening", ["[", "{a: "])
async def test_brackets_nested_1000_deep_are_refused_without_a_crash(gql, opening):
    closing = "]" if opening == "[" else "}"
    value = opening * 1000 + "1" + closing * 1000
    result = await gql("{ tariffs(filter: " + value + ") { name } }")
    refused_by(result, "GRAPHQL_MAX_DEPTH", 10)


async def test_a_list_multiplies_what_it_selects_by_its_first(gql, viewers):
    page = "payments(first: {n}) { nodes { id status amount { amount currency } } }"
    query = "{ viewer { numbers { msisdn " + page + " } } }"
    refused_by(await gql(query.replace("{n}", "100")), "GRAPHQL_MAX_COST", 5000)
    assert_not_refused(await gql(query.replace("{n}", "3")))


async def test_a_first_given_as_a_variable_is_priced_per_request(gql):
    query = (
        "query($n: Int!) { viewer { numbers { payments(first: $n) { "
        "nodes { id status amount { amount currency } } } } } }"
    )
    refused_by(await gql(query, {"n": 1000}), "GRAPHQL_MAX_COST", 5000)
    assert_not_refused(await gql(query, {"n": 2}))
    refused_by(await gql(query, {"n": 1000}), "GRAPHQL_MAX_COST", 5000)


async def test_every_limit_can_be_configured(settings):
    limits = DocumentLimits(max_aliases=2, max_depth=3)
    async with gateway_with(settings, document_limits=limits) as gql:
        refused_by(
            await gql("{ a: __typename b: __typename c: __typename }"), "GRAPHQL_MAX_ALIASES", 2
        )
        refused_by(
            await gql("{ viewer { accounts { numbers { msisdn } } } }"), "GRAPHQL_MAX_DEPTH", 3
        )


async def test_the_same_field_repeated_hundreds_of_times_is_refused(settings):
    # Cost alone would refuse it first; with cost out of the way the comparison budget does.
    limits = DocumentLimits(max_cost=10**9)
    async with gateway_with(settings, document_limits=limits) as gql:
        result = await gql("{ " + "tariffs { name } " * 200 + "}")
    refused_by(result, "GRAPHQL_MAX_FIELD_COMPARISONS", 3000)


def test_the_overlap_rule_stops_after_its_budget_of_comparisons(monkeypatch):
    from graphql.validation.rules import overlapping_fields_can_be_merged as rule_module

    from schema.document_checks import validation_rules
    from schema.validation_cache import validate_document

    calls = 0
    compare = rule_module.find_conflict.__wrapped__

    def counting(*args):
        nonlocal calls
        calls += 1
        return compare(*args)

    monkeypatch.setattr(rule_module.find_conflict, "__wrapped__", counting)
    document = parse("{ " + "tariffs { name } " * 300 + "}")  # unbudgeted: ~90,000 calls
    errors = validate_document(schema._schema, document, validation_rules(3000, True))
    assert [e.extensions["limit"] for e in errors] == ["GRAPHQL_MAX_FIELD_COMPARISONS"]
    assert 0 < calls <= 3000


async def test_a_variable_used_but_not_defined_is_still_found(gql):
    # Documents without a `$` skip the variable rules; this one has one.
    result = await gql('query { number(msisdn: $m) { msisdn } } # "$"')
    assert result.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "$m" in result.errors[0]["message"]
