"""Limits on WebSocket connections: a message is bounded like an HTTP body (by the real
server, `kabinet serve`); subscriptions are capped per connection and per viewer, counted
against the rate limits, and a connection must say `connection_init` in time."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import pytest
import websockets
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from gateway.limits import MAX_WS_MESSAGE_BYTES
from tests.support import family
from tests.support.processes import gateway_process, shared_store_env
from tests.support.websocket import serving

PROTOCOL = "graphql-transport-ws"


@pytest.fixture
def gateway_env(database_url, tmp_path) -> dict[str, str]:
    return shared_store_env(database_url, tmp_path, "websocket")


async def _exchange(url: str, init: dict) -> tuple[dict | None, int | None]:
    """Sends connection_init; the server's answer, or the close code if it closed instead."""
    async with websockets.connect(url, subprotocols=[PROTOCOL]) as socket:
        await socket.send(json.dumps(init))
        try:
            return json.loads(await asyncio.wait_for(socket.recv(), 10)), None
        except websockets.ConnectionClosed as closed:
            return None, closed.rcvd.code if closed.rcvd else None


def test_an_oversized_websocket_message_closes_the_connection_with_1009(gateway_env):
    with gateway_process(gateway_env) as base_url:
        url = base_url.replace("http://", "ws://") + "/graphql"
        small = {"type": "connection_init", "payload": {}}
        answer, _ = asyncio.run(_exchange(url, small))
        assert answer == {"type": "connection_ack"}
        padding = "x" * (MAX_WS_MESSAGE_BYTES + 1)
        answer, code = asyncio.run(_exchange(url, {**small, "payload": {"pad": padding}}))
        assert answer is None and code == 1009


# Caps on subscriptions, in-process (a server in the test's loop, where tortoise lives) ---

BALANCE = "subscription($m: String!) { balanceChanged(msisdn: $m) { balance { amount } } }"


class Connection:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    async def receive(self) -> dict[str, Any]:
        async with asyncio.timeout(10):
            return json.loads(await self.ws.recv())

    async def subscribe(self, id: str, msisdn: str) -> dict[str, Any]:
        """Sends `subscribe`; the first answer to it (`next` once it is live, or `error`)."""
        payload = {"query": BALANCE, "variables": {"m": msisdn}}
        await self.ws.send(json.dumps({"id": id, "type": "subscribe", "payload": payload}))
        message = await self.receive()
        assert message["id"] == id, message
        return message

    async def complete(self, id: str) -> None:
        await self.ws.send(json.dumps({"id": id, "type": "complete"}))


@asynccontextmanager
async def connected(url: str, token: str) -> AsyncIterator[Connection]:
    async with connect(url, subprotocols=[Subprotocol(PROTOCOL)]) as ws:
        connection = Connection(ws)
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await ws.send(json.dumps(init))
        assert (await connection.receive())["type"] == "connection_ack"
        yield connection


def live(message: dict[str, Any]) -> bool:
    return message["type"] == "next" and "errors" not in message["payload"]


def refusal(message: dict[str, Any]) -> dict[str, Any]:
    assert message["type"] == "error", message
    [error] = message["payload"]
    return error


async def owner_with_number(viewers) -> tuple[str, str, str]:
    """The owner's token, their number, and their bucket in the per-viewer caps."""
    owner = await family.subscriber("Owner")
    number = await family.number(await family.account(owner), user=owner, balance=10000)
    return await viewers.token_for(owner), number.msisdn, f"subscriber:{owner.id}"


async def until(condition: Any) -> None:
    async with asyncio.timeout(10):
        while not condition():
            await asyncio.sleep(0.01)


async def test_a_subscribers_third_subscription_on_a_connection_capped_at_two_is_refused(
    settings, viewers
):
    async with serving(replace(settings, ws_max_subscriptions_per_connection=2)) as (url, _app):
        token, msisdn, _ = await owner_with_number(viewers)
        async with connected(url, token) as connection:
            assert live(await connection.subscribe("1", msisdn))
            assert live(await connection.subscribe("2", msisdn))
            error = refusal(await connection.subscribe("3", msisdn))
            assert error == {
                "message": "At most 2 subscriptions per connection.",
                "extensions": {"code": "SUBSCRIPTION_LIMIT", "limit": "CONNECTION", "max": 2},
            }
            # The connection stays open, and a completed subscription frees its place.
            await connection.complete("1")
            assert live(await connection.subscribe("4", msisdn))


async def test_a_subscribers_cap_holds_across_their_connections(settings, viewers):
    capped = replace(settings, ws_max_subscriptions_per_viewer=2)
    async with serving(capped) as (url, app):
        token, msisdn, bucket = await owner_with_number(viewers)
        caps = app.state.subscription_caps
        async with connected(url, token) as phone:
            assert live(await phone.subscribe("1", msisdn))
            async with connected(url, token) as laptop:
                assert live(await laptop.subscribe("1", msisdn))
                error = refusal(await laptop.subscribe("2", msisdn))
                assert error["extensions"] == {
                    "code": "SUBSCRIPTION_LIMIT",
                    "limit": "VIEWER",
                    "max": 2,
                }
                assert error["message"] == "At most 2 live subscriptions per viewer."
            # The laptop's connection is gone, and its subscription with it.
            await until(lambda: caps.live(bucket) == 1)
            assert live(await phone.subscribe("2", msisdn))


async def test_a_subscription_refused_for_access_gives_its_place_back(settings, viewers):
    async with serving(replace(settings, ws_max_subscriptions_per_viewer=1)) as (url, app):
        token, msisdn, bucket = await owner_with_number(viewers)
        async with connected(url, token) as connection:
            error = refusal(await connection.subscribe("1", "+79990009999"))
            assert error["extensions"]["code"] == "NOT_FOUND"
            await until(lambda: app.state.subscription_caps.live(bucket) == 0)
            assert live(await connection.subscribe("2", msisdn))


async def test_each_subscribe_counts_against_the_subscribers_rate_limit(settings, viewers):
    async with serving(replace(settings, rate_limit_viewer="2/day")) as (url, _app):
        token, msisdn, _ = await owner_with_number(viewers)
        async with connected(url, token) as connection:
            assert live(await connection.subscribe("1", msisdn))
            assert live(await connection.subscribe("2", msisdn))
            error = refusal(await connection.subscribe("3", msisdn))
            seconds = error["extensions"]["retryAfter"]
            assert error == {
                "message": f"Too many requests; try again in {seconds} s.",
                "extensions": {"code": "RATE_LIMITED", "retryAfter": seconds, "limit": "VIEWER"},
            }


async def test_a_connection_without_connection_init_in_time_is_closed_with_4408(settings):
    async with serving(replace(settings, ws_init_timeout=0.3)) as (url, _app):
        async with connect(url, subprotocols=[Subprotocol(PROTOCOL)]) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                async with asyncio.timeout(5):
                    await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4408
