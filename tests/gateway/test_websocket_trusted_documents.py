"""Trusted documents over graphql-transport-ws: a `subscribe` follows the rule HTTP follows.
With TRUSTED_DOCUMENTS=require a first-party caller names a manifest document by id; text
or an unknown id gets the operation's `error` message with HTTP's code, and the connection
stays open for its other operations. With `accept`, text still runs and ids resolve too."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from tortoise.transactions import in_transaction
from websockets.exceptions import ConnectionClosed

from gateway.trusted_documents import MANIFEST_PATH
from models import AccessLevel, LedgerKind
from resolvers.events import publish_balance_changed
from resolvers.money.ledger import Posting, post
from resolvers.services import Services
from tests.support import family
from tests.support.websocket import connected, serving

MANIFEST = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
CABINET_BALANCE = next(e for e in MANIFEST["operations"] if e["name"] == "CabinetBalance")
BY_ID = {"documentId": f"sha256:{CABINET_BALANCE['id']}"}
BY_HASH = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": CABINET_BALANCE["id"]}}}
TEXT = "subscription($msisdn: String!) { balanceChanged(msisdn: $msisdn) { balance { amount } } }"


async def owner_with_number(viewers) -> tuple[str, str, int]:
    """The owner's token, their number (100.00 RUB) and its id."""
    owner = await family.subscriber("Owner")
    number = await family.number(await family.account(owner), user=owner, balance=10000)
    return await viewers.token_for(owner), number.msisdn, number.id


def balance(message: dict[str, Any]) -> str:
    assert message["type"] == "next" and "errors" not in message["payload"], message
    return message["payload"]["data"]["balanceChanged"]["balance"]["amount"]


def refusal(message: dict[str, Any]) -> dict[str, Any]:
    assert message["type"] == "error", message
    [error] = message["payload"]
    return error


async def change_balance(services: Services, number_id: int, amount: int) -> None:
    """A money write as the money code does it: commit, then announce."""
    async with in_transaction():
        posting = Posting(number_id, LedgerKind.ADJUSTMENT, amount, "RUB", "test:ws-trusted:1")
        await post(posting, datetime.now(UTC))
    await publish_balance_changed(services, number_id)


@pytest.mark.parametrize("named", [BY_ID, BY_HASH], ids=["documentId", "persistedQuery"])
async def test_with_trusted_documents_required_a_subscriber_follows_the_live_balance_by_id(
    settings, viewers, named
):
    async with serving(replace(settings, trusted_documents="require")) as (url, app):
        token, msisdn, number_id = await owner_with_number(viewers)
        async with connected(url, token) as socket:
            payload = {**named, "variables": {"msisdn": msisdn}}
            assert balance(await socket.subscribe("1", payload)) == "100.00"
            await change_balance(app.state.services, number_id, 5050)
            assert balance(await socket.receive()) == "150.50"


async def test_with_trusted_documents_required_a_subscribers_text_is_refused_and_the_socket_stays(
    settings, viewers
):
    async with serving(replace(settings, trusted_documents="require")) as (url, _app):
        token, msisdn, _ = await owner_with_number(viewers)
        async with connected(url, token) as socket:
            text = {"query": TEXT, "variables": {"msisdn": msisdn}}
            assert refusal(await socket.subscribe("text", text)) == {
                "message": "Send a trusted document's id (documentId or persistedQuery), "
                "not its text.",
                "extensions": {"code": "TRUSTED_DOCUMENT_REQUIRED"},
            }
            # The refusal ended that operation only: the same connection goes on, and the
            # refused id may be used again.
            by_id = {**BY_ID, "variables": {"msisdn": msisdn}}
            assert balance(await socket.subscribe("text", by_id)) == "100.00"


async def test_with_trusted_documents_required_an_anonymous_caller_sending_text_is_refused(
    settings,
):
    async with serving(replace(settings, trusted_documents="require")) as (url, _app):
        async with connected(url) as socket:
            text = {"query": TEXT, "variables": {"msisdn": "+79990000001"}}
            error = refusal(await socket.subscribe("1", text))
            assert error["extensions"] == {"code": "TRUSTED_DOCUMENT_REQUIRED"}


async def test_with_trusted_documents_required_an_unknown_id_is_not_found(settings, viewers):
    async with serving(replace(settings, trusted_documents="require")) as (url, _app):
        token, msisdn, _ = await owner_with_number(viewers)
        async with connected(url, token) as socket:
            unknown = {"documentId": "sha256:" + "0" * 64, "variables": {"msisdn": msisdn}}
            assert refusal(await socket.subscribe("1", unknown)) == {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
            # Text alongside a known id must be that document's text.
            mismatch = {**BY_ID, "query": TEXT, "variables": {"msisdn": msisdn}}
            error = refusal(await socket.subscribe("2", mismatch))
            assert error["extensions"] == {"code": "PERSISTED_QUERY_MISMATCH"}


@pytest.mark.parametrize(
    "payload",
    [
        {"documentId": "sha256:xyz"},
        {"documentId": 42},
        {"extensions": {"persistedQuery": {"version": 2, "sha256Hash": "0" * 64}}},
        {"extensions": ["persistedQuery"]},
        {"query": 42},
    ],
    ids=["short-id", "number-id", "apq-version", "extensions-list", "query-number"],
)
async def test_a_subscribers_malformed_subscribe_is_a_bad_request_and_the_socket_stays(
    settings, viewers, payload
):
    async with serving(settings) as (url, _app):
        token, msisdn, _ = await owner_with_number(viewers)
        async with connected(url, token) as socket:
            error = refusal(await socket.subscribe("1", payload))
            assert error["extensions"] == {"code": "BAD_REQUEST"}
            by_id = {**BY_ID, "variables": {"msisdn": msisdn}}
            assert balance(await socket.subscribe("2", by_id)) == "100.00"


async def test_a_subscribe_whose_payload_is_not_an_object_closes_the_connection_with_4400(
    settings, viewers
):
    async with serving(settings) as (url, _app):
        token, _msisdn, _ = await owner_with_number(viewers)
        async with connected(url, token) as socket:
            await socket.send({"id": "1", "type": "subscribe", "payload": "subscription"})
            with pytest.raises(ConnectionClosed) as closed:
                await socket.receive()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400


async def test_with_trusted_documents_accepted_a_subscriber_may_send_text_or_an_id(
    settings, viewers
):
    assert settings.trusted_documents == "accept"
    async with serving(settings) as (url, app):
        token, msisdn, number_id = await owner_with_number(viewers)
        async with connected(url, token) as socket:
            text = {"query": TEXT, "variables": {"msisdn": msisdn}}
            assert balance(await socket.subscribe("text", text)) == "100.00"
            by_id = {**BY_ID, "variables": {"msisdn": msisdn}}
            assert balance(await socket.subscribe("id", by_id)) == "100.00"
            await change_balance(app.state.services, number_id, -2500)
            changes = {(m := await socket.receive())["id"]: balance(m) for _ in range(2)}
            assert changes == {"text": "75.00", "id": "75.00"}


async def test_with_trusted_documents_required_a_partner_app_still_subscribes_with_its_text(
    settings, viewers
):
    owner = await family.subscriber("Owner")
    number = await family.number(await family.account(owner), balance=10000)
    app = await family.partner_app(["numbers:read", "balance:read"])
    await family.grant(number, app, AccessLevel.FULL, by=owner)
    token = await viewers.partner_token(app, ["numbers:read", "balance:read"])
    async with serving(replace(settings, trusted_documents="require")) as (url, _app):
        async with connected(url, token) as socket:
            text = {"query": TEXT, "variables": {"msisdn": number.msisdn}}
            assert balance(await socket.subscribe("1", text)) == "100.00"


async def test_a_refused_text_subscription_takes_no_place_and_no_rate(settings, viewers):
    strict = replace(
        settings,
        trusted_documents="require",
        rate_limit_viewer="1/day",
        ws_max_subscriptions_per_viewer=1,
    )
    async with serving(strict) as (url, _app):
        token, msisdn, _ = await owner_with_number(viewers)
        async with connected(url, token) as socket:
            text = {"query": TEXT, "variables": {"msisdn": msisdn}}
            for id in ("1", "2", "3"):
                error = refusal(await socket.subscribe(id, text))
                assert error["extensions"]["code"] == "TRUSTED_DOCUMENT_REQUIRED"
            by_id = {**BY_ID, "variables": {"msisdn": msisdn}}
            assert balance(await socket.subscribe("4", by_id)) == "100.00"
