"""A WebSocket message is bounded like an HTTP body, by the real server (`kabinet serve`)."""

import asyncio
import json

import pytest
import websockets

from gateway.limits import MAX_WS_MESSAGE_BYTES
from tests.support.processes import gateway_process, shared_store_env

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
