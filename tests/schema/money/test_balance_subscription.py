"""`balanceChanged` over graphql-transport-ws, against a real server in the test's loop."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from tortoise.transactions import in_transaction
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from models import AccessLevel, LedgerKind, Session
from resolvers.events import balance_channel, publish_balance_changed
from resolvers.money.ledger import Posting, post
from resolvers.services import EVENTS_MAY_HAVE_BEEN_MISSED, Services
from tests.support import family

BALANCE_CHANGED = """
subscription($msisdn: String!) {
  balanceChanged(msisdn: $msisdn) { msisdn balance { amount currency } at }
}
"""
TARIFFS = "{ tariffs { name } }"
TIMEOUT = 10


@pytest.fixture
async def server(app: Starlette) -> AsyncIterator[str]:
    """The app on a free port, in this loop (tortoise lives here)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    yield f"ws://127.0.0.1:{port}/graphql"
    server.should_exit = True
    await task


class Live:
    """One graphql-transport-ws connection."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def receive(self) -> dict[str, Any]:
        async with asyncio.timeout(TIMEOUT):
            return json.loads(await self.ws.recv())

    async def subscribe(self, msisdn: str, id: str = "1", query: str = BALANCE_CHANGED) -> None:
        payload = {"query": query, "variables": {"msisdn": msisdn}}
        await self.send({"id": id, "type": "subscribe", "payload": payload})

    async def next_change(self) -> dict[str, Any]:
        message = await self.receive()
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        return message["payload"]["data"]["balanceChanged"]

    async def error_codes(self) -> list[str]:
        message = await self.receive()
        assert message["type"] == "error", message
        return [error["extensions"]["code"] for error in message["payload"]]


@asynccontextmanager
async def live(
    url: str, token: str | None = None, *, header_token: str | None = None
) -> AsyncIterator[Live]:
    headers = {"Authorization": f"Bearer {header_token}"} if header_token else {}
    async with connect(
        url, subprotocols=[Subprotocol("graphql-transport-ws")], additional_headers=headers
    ) as ws:
        client = Live(ws)
        await client.send(
            {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
            if token
            else {"type": "connection_init", "payload": {}}
        )
        assert (await client.receive())["type"] == "connection_ack"
        yield client


async def change_balance(services: Services, number_id: int, amount: int, key: str) -> None:
    """A money write as the money code does it: commit, then announce."""
    async with in_transaction():
        await post(Posting(number_id, LedgerKind.ADJUSTMENT, amount, "RUB", key), datetime.now(UTC))
    await publish_balance_changed(services, number_id)


async def wait_until(condition: Any) -> None:
    async with asyncio.timeout(TIMEOUT):
        while not condition():
            await asyncio.sleep(0.01)


@pytest.fixture
async def home():
    owner = await family.subscriber("Owner")
    account = await family.account(owner)
    number = await family.number(account, user=owner, balance=10000)
    return owner, number


async def test_balance_changed_as_owner(server, services, viewers, home):
    owner, number = home
    async with live(server, await viewers.token_for(owner)) as client:
        await client.subscribe(number.msisdn)
        first = await client.next_change()
        assert first["msisdn"] == number.msisdn
        assert first["balance"] == {"amount": "100.00", "currency": "RUB"}

        await change_balance(services, number.id, 5050, "test:owner:1")
        changed = await client.next_change()
        assert changed["balance"] == {"amount": "150.50", "currency": "RUB"}
        assert datetime.fromisoformat(changed["at"]) >= datetime.fromisoformat(first["at"])


async def test_after_a_reconnect_only_a_changed_balance_is_sent_as_owner(
    server, services, viewers, home
):
    owner, number = home
    channel = balance_channel(number.id)
    async with live(server, await viewers.token_for(owner)) as client:
        await client.subscribe(number.msisdn)
        await client.next_change()
        await services.events.publish(channel, EVENTS_MAY_HAVE_BEEN_MISSED)
        async with in_transaction():  # a change whose announcement was lost
            await post(
                Posting(number.id, LedgerKind.ADJUSTMENT, 700, "RUB", "test:lost:1"),
                datetime.now(UTC),
            )
        await services.events.publish(channel, EVENTS_MAY_HAVE_BEEN_MISSED)
        assert (await client.next_change())["balance"]["amount"] == "107.00"
        await change_balance(services, number.id, 300, "test:lost:2")
        assert (await client.next_change())["balance"]["amount"] == "110.00"


async def test_balance_changed_only_for_the_number_subscribed_to(server, services, viewers):
    owner = await family.subscriber("Owner")
    account = await family.account(owner)
    watched = await family.number(account, balance=10000)
    other = await family.number(account, balance=10000)
    async with live(server, await viewers.token_for(owner)) as client:
        await client.subscribe(watched.msisdn)
        await client.next_change()
        await change_balance(services, other.id, 100, "test:other:1")
        await change_balance(services, watched.id, -2500, "test:watched:1")
        changed = await client.next_change()
        assert changed["msisdn"] == watched.msisdn
        assert changed["balance"]["amount"] == "75.00"


async def test_balance_changed_as_user_with_the_handshake_header(server, services, viewers):
    owner = await family.subscriber("Parent")
    child = await family.subscriber("Child")
    number = await family.number(await family.account(owner), user=child, balance=300)
    async with live(server, header_token=await viewers.token_for(child)) as client:
        await client.subscribe(number.msisdn)
        assert (await client.next_change())["balance"]["amount"] == "3.00"


async def test_balance_changed_as_topup_delegate(server, viewers, home):
    owner, number = home
    delegate = await family.subscriber("Delegate")
    await family.grant(number, delegate, AccessLevel.TOPUP, by=owner)
    async with live(server, await viewers.token_for(delegate)) as client:
        await client.subscribe(number.msisdn)
        assert await client.error_codes() == ["FORBIDDEN"]


async def test_balance_changed_as_stranger_looks_like_a_missing_number(server, viewers, home):
    _owner, number = home
    stranger = await family.subscriber("Stranger")
    async with live(server, await viewers.token_for(stranger)) as client:
        await client.subscribe(number.msisdn, id="hidden")
        hidden = await client.receive()
        await client.subscribe("+79999999999", id="missing")
        missing = await client.receive()
    assert hidden["type"] == missing["type"] == "error"
    assert hidden["payload"] == missing["payload"]
    assert hidden["payload"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_balance_changed_as_anonymous(server, home):
    _owner, number = home
    async with live(server) as client:
        await client.subscribe(number.msisdn)
        assert await client.error_codes() == ["UNAUTHENTICATED"]


async def test_bad_token_is_refused_at_connection_init(server):
    async with connect(server, subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
        init = {"type": "connection_init", "payload": {"Authorization": "Bearer kat_forged"}}
        await ws.send(json.dumps(init))
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(TIMEOUT):
                await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def test_balance_changed_as_partner_without_balance_scope(server, viewers, home):
    owner, number = home
    app = await family.partner_app(["numbers:read", "balance:read"])
    await family.grant(number, app, AccessLevel.FULL, by=owner)
    async with live(server, await viewers.partner_token(app, ["numbers:read"])) as client:
        await client.subscribe(number.msisdn)
        assert await client.error_codes() == ["FORBIDDEN"]


async def test_balance_changed_as_partner_without_numbers_scope(server, viewers, home):
    owner, number = home
    app = await family.partner_app(["numbers:read", "balance:read"])
    await family.grant(number, app, AccessLevel.FULL, by=owner)
    async with live(server, await viewers.partner_token(app, ["balance:read"])) as client:
        await client.subscribe(number.msisdn)
        assert await client.error_codes() == ["NOT_FOUND"]


async def test_balance_changed_as_partner_with_both_scopes(server, services, viewers, home):
    owner, number = home
    app = await family.partner_app(["numbers:read", "balance:read"])
    await family.grant(number, app, AccessLevel.FULL, by=owner)
    scopes = ["numbers:read", "balance:read"]
    async with live(server, await viewers.partner_token(app, scopes)) as client:
        await client.subscribe(number.msisdn)
        assert (await client.next_change())["balance"]["amount"] == "100.00"
        await change_balance(services, number.id, 1, "test:partner:1")
        assert (await client.next_change())["balance"]["amount"] == "100.01"


async def test_revoked_grant_ends_the_subscription_as_full_delegate(server, services, viewers):
    owner = await family.subscriber("Owner")
    number = await family.number(await family.account(owner), balance=10000)
    delegate = await family.subscriber("Delegate")
    grant = await family.grant(number, delegate, AccessLevel.FULL, by=owner)
    async with live(server, await viewers.token_for(delegate)) as client:
        await client.subscribe(number.msisdn)
        await client.next_change()
        grant.revoked_at = datetime.now(UTC)
        await grant.save()
        await change_balance(services, number.id, 100, "test:revoked:1")
        ended = await client.receive()
        assert ended["type"] == "next"
        assert [e["extensions"]["code"] for e in ended["payload"]["errors"]] == ["NOT_FOUND"]
        assert (await client.receive())["type"] == "complete"


async def test_signed_out_session_ends_the_subscription_as_owner(server, services, viewers, home):
    owner, number = home
    async with live(server, await viewers.token_for(owner)) as client:
        await client.subscribe(number.msisdn)
        await client.next_change()
        await Session.filter(subscriber_id=owner.id).update(revoked_at=datetime.now(UTC))
        await change_balance(services, number.id, 100, "test:signed-out:1")
        ended = await client.receive()
        assert [e["extensions"]["code"] for e in ended["payload"]["errors"]] == ["UNAUTHENTICATED"]
        assert (await client.receive())["type"] == "complete"


async def test_unsubscribing_and_closing_stop_listening(server, services, viewers, home):
    owner, number = home
    bus = services.events
    channel = balance_channel(number.id)
    async with live(server, await viewers.token_for(owner)) as client:
        await client.subscribe(number.msisdn, id="a")
        await client.subscribe(number.msisdn, id="b")
        await client.next_change()
        await client.next_change()
        assert bus.subscriber_count(channel) == 2
        await client.send({"id": "a", "type": "complete"})
        await wait_until(lambda: bus.subscriber_count(channel) == 1)
    await wait_until(lambda: bus.subscriber_count(channel) == 0)


async def test_queries_are_not_served_over_the_websocket(server, viewers, home):
    owner, _number = home
    async with live(server, await viewers.token_for(owner)) as client:
        await client.send({"id": "q", "type": "subscribe", "payload": {"query": TARIFFS}})
        message = await client.receive()
    assert message["type"] == "error"
    assert "not allowed" in message["payload"][0]["message"]


async def test_a_subscription_sent_over_http_is_refused_and_listens_to_nothing(
    http, services, viewers, home
):
    """Subscriptions are served over the WebSocket; over plain HTTP a subscription document
    would run once and answer null as if that were data, so it is refused (400)."""
    owner, number = home
    token = await viewers.token_for(owner)
    response = await http.post(
        "/graphql",
        json={"query": BALANCE_CHANGED, "variables": {"msisdn": number.msisdn}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert "subscriptions are not allowed" in response.text
    assert services.events.subscriber_count(balance_channel(number.id)) == 0


async def test_a_subscription_over_the_document_limits_is_refused_like_a_query(
    server, viewers, home
):
    owner, number = home
    fields = " ".join(f"a{i}: msisdn" for i in range(16))
    query = "subscription($msisdn: String!) { balanceChanged(msisdn: $msisdn) { " + fields + " } }"
    async with live(server, await viewers.token_for(owner)) as client:
        await client.subscribe(number.msisdn, query=query)
        message = await client.receive()
        assert message["type"] == "error", message
        assert message["payload"][0]["extensions"]["limit"] == "GRAPHQL_MAX_ALIASES"
