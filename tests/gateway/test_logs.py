"""What an operator reading the gateway's log gets: in production one JSON object a line,
an access line per request (request id, operation, viewer kind, status, duration); and
what never appears in it: passwords, sign-in codes, tokens, card tokens."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from gateway.logs import configure_logging
from resolvers.demo import DEMO_PHONES, seed_demo
from tests.support.apps import gateway_with
from tests.support.outbox import last_code_sent_to

PROD = {"env": "prod", "secret_key": "prod-secret-key-for-tests-0123456789"}
OWNER = DEMO_PHONES["owner"]
PASSWORD = "demo-password-1"


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The root logger writing JSON lines into a buffer, as in production; put back after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging(json=True, stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


async def test_an_operator_in_production_reads_one_json_access_line_per_request(settings, json_log):
    async with gateway_with(settings, **PROD) as gql:
        headers = {"X-Request-Id": "probe-request-0001"}
        (await gql("query LogProbe { __typename }", headers=headers)).ok()
    [access] = [line for line in lines(json_log) if line.get("logger") == "kabinet.access"]
    assert access["event"] == "request"
    assert access["level"] == "info"
    assert access["time"].endswith("Z")
    assert access["request_id"] == "probe-request-0001"
    assert access["operation"] == "LogProbe"
    assert access["operation_type"] == "query"
    assert access["outcome"] == "ok"
    assert access["viewer_kind"] == "anonymous"
    assert access["method"] == "POST" and access["path"] == "/graphql"
    assert access["status"] == 200
    assert access["duration_ms"] > 0


async def test_no_password_code_token_or_card_token_reaches_the_log(
    gql, services, settings, json_log
):
    await seed_demo()
    sign_in_by_password = await gql(
        "mutation($p: String!, $w: String!) { signInWithPassword(phone: $p, password: $w) "
        "{ accessToken refreshToken } }",
        {"p": OWNER, "w": PASSWORD},
    )
    by_password = sign_in_by_password.ok()["signInWithPassword"]
    (
        await gql(
            "mutation($p: String!) { requestSignInCode(phone: $p) { resendAfter } }", {"p": OWNER}
        )
    ).ok()
    code = await last_code_sent_to(services, settings.sms_outbox_path, OWNER)
    by_code = (
        await gql(
            "mutation($p: String!, $c: String!) { signIn(phone: $p, code: $c) "
            "{ accessToken refreshToken } }",
            {"p": OWNER, "c": code},
        )
    ).ok()["signIn"]
    top_up = await gql(
        'mutation { topUp(input: { msisdn: "+79990000001", amount: "150.00", '
        'cardToken: "tok_visa", idempotencyKey: "log-secrets-1" }) { payment { status } } }',
        token=by_code["accessToken"],
    )
    assert top_up.ok()["topUp"]["payment"]["status"] == "SUCCEEDED"
    wrong = await gql(
        "mutation($p: String!, $w: String!) { signInWithPassword(phone: $p, password: $w) "
        "{ accessToken } }",
        {"p": OWNER, "w": "wrong-password-secret-42"},
    )
    assert wrong.error_codes == ["UNAUTHENTICATED"]
    await services.background.drain()

    text = json_log.getvalue()
    parsed = lines(json_log)
    assert sum(line.get("logger") == "kabinet.access" for line in parsed) == 5
    secrets = [
        PASSWORD,
        "wrong-password-secret-42",
        code,
        "tok_visa",
        *by_password.values(),
        *by_code.values(),
    ]
    for secret in secrets:
        assert secret not in text, secret
