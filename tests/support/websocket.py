"""A gateway behind a real uvicorn server in the test's loop (tortoise lives there), for
tests that speak graphql-transport-ws to it."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from gateway.app import create_app
from gateway.config import Settings
from gateway.services import close_services

PROTOCOL = "graphql-transport-ws"


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[tuple[str, Starlette]]:
    """An app with these settings behind uvicorn on a free port; its ws:// URL and the app."""
    app = create_app(settings, manage_database=False)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"ws://127.0.0.1:{sock.getsockname()[1]}/graphql", app
    finally:
        server.should_exit = True
        await task
        await close_services(app.state.services)


class Socket:
    """One acknowledged graphql-transport-ws connection."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def receive(self) -> dict[str, Any]:
        async with asyncio.timeout(10):
            return json.loads(await self.ws.recv())

    async def subscribe(self, id: str, payload: Any) -> dict[str, Any]:
        """Sends `subscribe` with this payload; the first answer to it."""
        await self.send({"id": id, "type": "subscribe", "payload": payload})
        message = await self.receive()
        assert message["id"] == id, message
        return message


@asynccontextmanager
async def connected(url: str, token: str | None = None) -> AsyncIterator[Socket]:
    async with connect(url, subprotocols=[Subprotocol(PROTOCOL)]) as ws:
        client = Socket(ws)
        params = {"Authorization": f"Bearer {token}"} if token else {}
        await client.send({"type": "connection_init", "payload": params})
        assert (await client.receive())["type"] == "connection_ack"
        yield client
