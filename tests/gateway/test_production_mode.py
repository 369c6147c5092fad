"""What a client of a production gateway (KABINET_ENV=prod) gets: no introspection without
the key, no "Did you mean ...?" in any error, internal errors as one message with the
request id that the log carries with the traceback."""

from __future__ import annotations

import logging

import pytest

from gateway.request_id import RequestIdFilter
from tests.support.apps import gateway_with

KEY = "introspection-key-for-tests-0123456789"
PROD = {
    "env": "prod",
    "secret_key": "prod-secret-key-for-tests-0123456789",
    "introspection_key": KEY,
}
SCHEMA_QUERY = "{ __schema { queryType { name } } }"


async def test_a_client_in_production_cannot_introspect(settings):
    async with gateway_with(settings, **PROD) as gql:
        for query in (SCHEMA_QUERY, '{ __type(name: "Number") { fields { name } } }'):
            result = await gql(query)
            assert result.data is None
            assert set(result.error_codes) == {"INTROSPECTION_DISABLED"}, result.body
        assert (await gql("{ __typename }")).ok() == {"__typename": "Query"}


async def test_an_operator_with_the_introspection_key_can_introspect_in_production(settings):
    async with gateway_with(settings, **PROD) as gql:
        allowed = await gql(SCHEMA_QUERY, headers={"X-Introspection-Key": KEY})
        assert allowed.ok() == {"__schema": {"queryType": {"name": "Query"}}}
        wrong = await gql(SCHEMA_QUERY, headers={"X-Introspection-Key": KEY[:-1] + "x"})
        assert set(wrong.error_codes) == {"INTROSPECTION_DISABLED"}


async def test_without_a_configured_key_nobody_introspects_in_production(settings):
    async with gateway_with(settings, **{**PROD, "introspection_key": None}) as gql:
        result = await gql(SCHEMA_QUERY, headers={"X-Introspection-Key": ""})
        assert set(result.error_codes) == {"INTROSPECTION_DISABLED"}


async def test_a_developer_can_introspect_in_dev(gql):
    assert (await gql(SCHEMA_QUERY)).ok()["__schema"]["queryType"]["name"] == "Query"


MISTAKES = [
    ("{ tarifs { name } }", None),  # a field
    ("{ tariffs { nme } }", None),  # a field of an object
    ('{ number(msisd: "+79990000001") { msisdn } }', None),  # an argument
    ("{ viewer { kindd } }", None),
    (  # an enum value in a variable: refused while coercing, at execution
        "query($k: [LedgerKind!]) { viewer { numbers { balanceHistory(kinds: $k) { "
        "nodes { id } } } } }",
        {"k": ["TOPU"]},
    ),
]


@pytest.mark.parametrize(("query", "variables"), MISTAKES)
async def test_errors_suggest_names_in_dev_and_never_in_production(settings, query, variables):
    async with gateway_with(settings) as gql:
        dev = await gql(query, variables)
    assert any("Did you mean" in e["message"] for e in dev.errors), dev.body
    async with gateway_with(settings, **PROD) as gql:
        prod = await gql(query, variables)
    assert prod.errors and prod.data is None
    assert not any("Did you mean" in e["message"] for e in prod.errors), prod.body
    assert all(e["extensions"]["code"] for e in prod.errors)


async def test_an_internal_error_shows_the_request_id_the_log_has_with_the_traceback(
    settings, monkeypatch, caplog
):
    from resolvers import catalog

    async def broken():
        raise RuntimeError("the catalogue's database password is hunter2")

    monkeypatch.setattr(catalog, "list_tariffs", broken)
    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.ERROR, logger="kabinet.errors")
    async with gateway_with(settings, **PROD) as gql:
        response = await gql.http.post(
            "/graphql",
            json={"query": "{ tariffs { name } }"},
            headers={"X-Request-Id": "req-for-the-log-0001"},
        )
    error = response.json()["errors"][0]
    assert error["message"] == "Internal server error."
    assert error["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "requestId": "req-for-the-log-0001",
    }
    assert "hunter2" not in response.text
    records = [r for r in caplog.records if r.name == "kabinet.errors"]
    assert records  # the suite's twin executor logs its own copy, with the same id
    for record in records:
        assert record.request_id == "req-for-the-log-0001"
        assert record.exc_info is not None and "hunter2" in str(record.exc_info[1])
