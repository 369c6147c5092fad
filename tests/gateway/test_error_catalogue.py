"""Every error a client can cause over HTTP, one request a row: its `extensions.code` and
its status in each media type (README, "Errors"). A row says where the two differ."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
import pytest
from strawberry.relay import to_base64

from gateway.app import create_app
from gateway.services import close_services

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
ALIASES_16 = "{ " + " ".join(f"a{i}: __typename" for i in range(16)) + " }"
SIX_ROOT_FIELDS = "{ " + " ".join(f"t{i}: tariffs {{ name }}" for i in range(6)) + " }"
PROD = {"env": "prod", "introspection_key": None}


@dataclass(frozen=True)
class Row:
    who: str  # who asks, and what
    code: str
    status: int  # with application/json (and with no Accept)
    status_graphql_response: int | None = None  # with graphql-response+json, where it differs
    method: str = "POST"
    body: Any = None  # JSON, sent as such
    content: bytes | None = None  # a raw body instead
    params: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    data_null: bool = True  # with application/json: `"data": null` beside the errors
    allow: str | None = None  # the `Allow` header a 405 carries


def query(text: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"query": text, "variables": variables or {}}


ROWS = [
    Row("a client with a syntax error", "GRAPHQL_PARSE_FAILED", 200, 400, body=query("{ viewer")),
    Row(
        "a client asking for a field that does not exist",
        "GRAPHQL_VALIDATION_FAILED",
        200,
        400,
        body=query("{ nope }"),
    ),
    Row(
        "a client with 16 aliases (a document limit)",
        "BAD_USER_INPUT",
        200,
        400,
        body=query(ALIASES_16),
    ),
    Row(
        "a client leaving out a required variable",
        "BAD_USER_INPUT",
        200,
        400,
        body=query("query($id: ID!) { node(id: $id) { id } }"),
    ),
    Row(
        "a client whose variables nest 40 deep",
        "BAD_USER_INPUT",
        400,
        body=query("{ __typename }", {"a": json.loads("[" * 40 + "]" * 40)}),
        data_null=False,
    ),
    Row(
        "a client asking for a tariff that does not exist (a field error)",
        "NOT_FOUND",
        200,
        200,
        body=query(
            "query($t: ID!) { services(filter: {compatibleWithTariff: $t}) { code } }",
            {"t": to_base64("Tariff", 999)},
        ),
    ),
    Row(
        "a client with an expired token",
        "UNAUTHENTICATED",
        401,
        body=query("{ __typename }"),
        headers={"Authorization": "Bearer kst_not-a-token"},
    ),
    Row(
        "an anonymous client over its address's rate limit",
        "RATE_LIMITED",
        429,
        body=query(SIX_ROOT_FIELDS),
        settings={"rate_limit_ip": "5/day"},
    ),
    Row(
        "a client introspecting a production gateway",
        "INTROSPECTION_DISABLED",
        200,
        400,
        body=query("{ __schema { queryType { name } } }"),
        settings=PROD,
    ),
    Row(
        "an Apollo client with an unregistered persisted query",
        "PERSISTED_QUERY_NOT_FOUND",
        200,
        body={"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}},
        data_null=False,
    ),
    Row(
        "a client sending a malformed document id",
        "BAD_REQUEST",
        400,
        body={"documentId": "sha256:xyz"},
        data_null=False,
    ),
    Row(
        "an anonymous client sending its own document where trusted ones are required",
        "TRUSTED_DOCUMENT_REQUIRED",
        400,
        body=query("{ __typename }"),
        settings={"trusted_documents": "require"},
        data_null=False,
    ),
    Row(
        "a client sending a body that is not JSON",
        "BAD_REQUEST",
        400,
        content=b"{not json",
        headers={"content-type": "application/json"},
        data_null=False,
    ),
    Row(
        "a client sending a form instead of JSON",
        "BAD_REQUEST",
        400,
        content=b"query=1",
        headers={"content-type": "application/x-www-form-urlencoded"},
        data_null=False,
    ),
    Row(
        "a client sending no query",
        "BAD_REQUEST",
        400,
        body={"variables": {}},
        data_null=False,
    ),
    Row(
        "a client sending a batch",
        "BAD_REQUEST",
        400,
        body=[query("{ __typename }")],
        data_null=False,
    ),
    Row(
        "a client subscribing over HTTP",
        "BAD_REQUEST",
        400,
        body=query('subscription { balanceChanged(msisdn: "79990000000") { msisdn } }'),
        data_null=False,
    ),
    Row(
        "a client sending a mutation with GET",
        "METHOD_NOT_ALLOWED",
        405,
        method="GET",
        params={"query": 'mutation { requestSignInCode(phone: "+79990000000") { expiresIn } }'},
        data_null=False,
        allow="POST",
    ),
    Row(
        "a client using PUT",
        "METHOD_NOT_ALLOWED",
        405,
        method="PUT",
        body=query("{ __typename }"),
        data_null=False,
        allow="GET, POST",
    ),
    Row(
        "a client sending a body over HTTP_MAX_BODY_BYTES",
        "PAYLOAD_TOO_LARGE",
        413,
        content=b'{"query": "' + b" " * 300_000 + b'{ __typename }"}',
        headers={"content-type": "application/json"},
        data_null=False,
    ),
]


async def send(settings: Any, row: Row, accept: str | None) -> httpx.Response:
    app = create_app(replace(settings, **row.settings), manage_database=False)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    headers = {**row.headers, **({"accept": accept} if accept else {})}
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://kabinet.test") as http:
            return await http.request(
                row.method,
                "/graphql",
                json=row.body if row.content is None and row.body is not None else None,
                content=row.content,
                params=row.params,
                headers=headers,
            )
    finally:
        await close_services(app.state.services)


def check(response: httpx.Response, row: Row, status: int, media_type: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    body = response.json()
    assert row.code in [error["extensions"]["code"] for error in body["errors"]], body
    if row.allow is not None:
        assert response.headers["allow"] == row.allow
    return body


@pytest.mark.parametrize("row", ROWS, ids=[row.who for row in ROWS])
async def test_a_client_asking_for_json_gets_the_code_and_status_listed(settings, row):
    response = await send(settings, row, "application/json")
    body = check(response, row, row.status, "application/json")
    assert ("data" in body and body["data"] is None) is row.data_null, body


@pytest.mark.parametrize("row", ROWS, ids=[row.who for row in ROWS])
async def test_a_client_asking_for_graphql_response_json_gets_the_code_and_status_listed(
    settings, row
):
    status = row.status_graphql_response or row.status
    response = await send(settings, row, GRAPHQL_RESPONSE_JSON)
    body = check(response, row, status, GRAPHQL_RESPONSE_JSON)
    # Only a field error (the operation ran) keeps a `data` entry.
    assert ("data" in body) is (row.code == "NOT_FOUND"), body
