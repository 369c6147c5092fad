"""What a client gets for a request that cannot be run as sent: JSON in GraphQL's error
shape with a stable code (never a traceback or plain text), and a request that runs past
its deadline is cancelled, its transaction rolled back, and answered TIMEOUT."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from models.identity import AuditEvent
from tests.support.apps import gateway_with


def nested(depth: int) -> str:
    return "[" * depth + "1" + "]" * depth


async def test_variables_nested_1200_arrays_deep_are_refused_with_a_json_400(http):
    body = '{"query": "{ __typename }", "variables": {"a": ' + nested(1200) + "}}"
    response = await http.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "limit": "GRAPHQL_MAX_JSON_DEPTH",
        "value": 32,
    }


async def test_a_body_nested_deeper_than_the_json_decoder_can_go_is_refused_the_same(http):
    body = '{"query": "{ __typename }", "variables": {"a": ' + nested(120_000) + "}}"
    response = await http.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["limit"] == "GRAPHQL_MAX_JSON_DEPTH"


async def test_deep_variables_in_a_get_request_are_refused_too(http):
    response = await http.get(
        "/graphql",
        params={
            "query": "{ __typename }",
            "variables": json.dumps(
                {"a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}
            ),
        },
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_variables_nested_within_the_limit_are_answered(http):
    body = {"query": "{ __typename }", "variables": {"a": json.loads(nested(30))}}
    response = await http.post("/graphql", json=body)
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_a_body_that_is_not_json_gets_a_json_answer_with_a_code(http):
    response = await http.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "not valid JSON" in error["message"]


async def test_a_body_of_another_content_type_gets_a_json_answer_with_a_code(http):
    response = await http.post(
        "/graphql", content=b"query=1", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_a_request_past_its_deadline_is_cancelled_and_its_transaction_rolled_back(
    settings, monkeypatch
):
    from resolvers import catalog

    started = asyncio.Event()

    async def slow_inside_a_transaction():
        async with in_transaction():
            await AuditEvent.create(at=datetime.now(UTC), event="slow_request", outcome="ok")
            started.set()
            await asyncio.sleep(30)
        return []

    monkeypatch.setattr(catalog, "list_tariffs", slow_inside_a_transaction)
    async with gateway_with(settings, request_timeout=0.5) as gql:
        result = await gql("{ tariffs { name } }")
        assert started.is_set()
        assert result.status_code == 503
        assert result.body == {
            "data": None,
            "errors": [
                {
                    "message": "The request took longer than 0.5 s and was stopped; "
                    "what it had not committed was rolled back.",
                    "extensions": {"code": "TIMEOUT", "limit": "REQUEST_TIMEOUT", "value": 0.5},
                }
            ],
        }
        assert await AuditEvent.filter(event="slow_request").count() == 0
        monkeypatch.undo()
        assert (await gql("{ tariffs { name } }")).ok() == {"tariffs": []}  # the connection lives


async def test_health_answers_while_a_request_waits_on_something_slow(settings, monkeypatch):
    from resolvers import catalog

    release = asyncio.Event()

    async def waiting():
        await release.wait()
        return []

    monkeypatch.setattr(catalog, "list_tariffs", waiting)
    async with gateway_with(settings, request_timeout=10) as gql:
        slow = asyncio.create_task(gql("{ tariffs { name } }"))
        await asyncio.sleep(0.05)
        health = await gql.http.get("/healthz")
        assert health.status_code == 200 and not slow.done()
        release.set()
        assert (await slow).ok() == {"tariffs": []}
