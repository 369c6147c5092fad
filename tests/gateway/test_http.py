import logging

import httpx

from gateway.app import create_app
from gateway.config import Settings


async def test_healthz_answers_while_process_lives(http):
    response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_checks_the_database_and_redis_when_configured(http, settings):
    response = await http.get("/readyz")
    assert response.status_code == 200
    expected = {"status": "ok", "database": "ok"}
    if settings.redis_url:
        expected["redis"] = "ok"
    assert response.json() == expected


async def test_readyz_reports_unreachable_redis(database_url, tmp_path):
    app = create_app(
        Settings(database_url=database_url, redis_url="redis://127.0.0.1:9/0"),
        manage_database=False,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://k.test") as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["redis"] == "unreachable"


async def test_every_response_carries_a_request_id(http):
    response = await http.get("/healthz")
    assert len(response.headers["x-request-id"]) == 16


async def test_a_sane_client_request_id_is_echoed(http):
    response = await http.get("/healthz", headers={"X-Request-Id": "trace-12345678"})
    assert response.headers["x-request-id"] == "trace-12345678"


async def test_graphql_accepts_get_queries(http):
    response = await http.get("/graphql", params={"query": "{ __typename }"})
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_graphiql_is_served_in_dev(http):
    response = await http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_oversized_body_is_refused_before_parsing(http):
    response = await http.post("/graphql", content=b"{" + b" " * 300_000 + b"}")
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_client_that_disconnects_mid_request_is_not_an_error(app, caplog):
    caplog.set_level(logging.INFO)
    messages = iter(
        [{"type": "http.request", "body": b"{", "more_body": True}, {"type": "http.disconnect"}]
    )

    async def receive():
        return next(messages)

    sent = []

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "headers": [(b"content-type", b"application/json")],
        "query_string": b"",
        "root_path": "",
        "scheme": "http",
        "server": ("k", 80),
        "client": ("127.0.0.1", 1),
    }
    await app(scope, receive, send)
    assert sent == []
    assert "client disconnected" in caplog.text
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
