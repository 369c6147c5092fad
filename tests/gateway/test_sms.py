"""The SMS adapters; the http one against a real local HTTP server the test starts."""

import asyncio
import json
import socket
from collections.abc import AsyncIterator

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.sms import FileSmsSender, HttpSmsSender
from resolvers.services import SmsDeliveryError


async def test_file_backend_appends_one_json_line_per_message(tmp_path):
    outbox = tmp_path / "nested" / "outbox.jsonl"
    sender = FileSmsSender(outbox)
    await sender.send("+79990000001", "Код: 123456")
    await sender.send("+79990000002", "second")
    lines = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]
    assert [(m["to"], m["text"]) for m in lines] == [
        ("+79990000001", "Код: 123456"),
        ("+79990000002", "second"),
    ]
    assert lines[0]["at"].endswith("+00:00")


class FakeProvider:
    """Answers with the queued statuses in order, then 200; records what it received."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.received: list[dict] = []
        self.delay = 0.0

    async def endpoint(self, request: Request) -> JSONResponse:
        self.received.append(await request.json())
        if self.delay:
            await asyncio.sleep(self.delay)
        status = self.statuses.pop(0) if self.statuses else 200
        return JSONResponse({"ok": status == 200}, status_code=status)


@pytest.fixture
async def provider() -> AsyncIterator[tuple[FakeProvider, str]]:
    fake = FakeProvider()
    app = Starlette(routes=[Route("/sms", fake.endpoint, methods=["POST"])])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    yield fake, f"http://127.0.0.1:{port}/sms"
    server.should_exit = True
    await task


async def test_http_backend_posts_json(provider):
    fake, url = provider
    sender = HttpSmsSender(url, backoff_seconds=0.01)
    await sender.send("+79990000001", "hello")
    assert fake.received == [{"to": "+79990000001", "text": "hello"}]
    await sender.close()


async def test_http_backend_retries_server_errors(provider):
    fake, url = provider
    fake.statuses = [503, 500]
    sender = HttpSmsSender(url, backoff_seconds=0.01)
    await sender.send("+79990000001", "hello")
    assert len(fake.received) == 3
    await sender.close()


async def test_http_backend_gives_up_after_bounded_retries_with_a_clear_error(provider):
    fake, url = provider
    fake.statuses = [500, 500, 500, 500]
    sender = HttpSmsSender(url, attempts=3, backoff_seconds=0.01)
    with pytest.raises(SmsDeliveryError, match=r"HTTP 500\) after 3 attempt"):
        await sender.send("+79990000001", "Код: 654321")
    assert len(fake.received) == 3
    await sender.close()


async def test_http_backend_does_not_retry_a_refused_message(provider):
    fake, url = provider
    fake.statuses = [400]
    sender = HttpSmsSender(url, backoff_seconds=0.01)
    with pytest.raises(SmsDeliveryError, match="HTTP 400") as failure:
        await sender.send("+79990000001", "Код: 654321")
    assert "654321" not in str(failure.value)
    assert len(fake.received) == 1
    await sender.close()


async def test_http_backend_times_out(provider):
    fake, url = provider
    fake.delay = 0.5
    sender = HttpSmsSender(url, timeout=0.05, attempts=2, backoff_seconds=0.01)
    with pytest.raises(SmsDeliveryError, match="ReadTimeout"):
        await sender.send("+79990000001", "hello")
    await sender.close()


async def test_http_backend_reports_an_unreachable_provider():
    sender = HttpSmsSender("http://127.0.0.1:9/sms", attempts=2, backoff_seconds=0.01)
    with pytest.raises(SmsDeliveryError, match="ConnectError"):
        await sender.send("+79990000001", "hello")
    await sender.close()
