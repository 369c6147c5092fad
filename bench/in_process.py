"""The gateway in this process, on a seeded family tree, called as plain ASGI: what the
in-process benchmarks (tree_fields, requests_history) share."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bench.queries import Query
from bench.seed import Family, seed_family
from gateway.app import create_app
from gateway.config import Settings
from gateway.db import close_database, open_database
from gateway.services import close_services
from gateway.transport import tune_garbage_collector


async def call(app: Any, query: Query, token: str) -> tuple[int, bytes]:
    body = query.body.encode()
    headers = [(k.lower().encode(), v.encode()) for k, v in query.headers(token).items()]
    headers.append((b"content-length", str(len(body)).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


@asynccontextmanager
async def tree_app(
    url: str,
    numbers: int,
    workdir: Path,
    prepare: Callable[[Family], Awaitable[None]] | None = None,
) -> AsyncIterator[tuple[Any, Family]]:
    """The app on a fresh tree of `numbers` (and whatever `prepare` adds), its owner's
    token in the family; rate limits out of the way of a measurement."""
    secret_key = secrets.token_urlsafe(32)
    await open_database(url)
    try:
        family = await seed_family(numbers, secret_key)
        if prepare is not None:
            await prepare(family)
        settings = Settings(
            database_url=url,
            secret_key=secret_key,
            sms_outbox_path=workdir / "sms.jsonl",
            rate_limit_viewer="10000000/minute",
            rate_limit_ip="10000000/minute",
        )
        app = create_app(settings, manage_database=False)
        tune_garbage_collector()  # as `kabinet serve` does in each worker
        try:
            yield app, family
        finally:
            await close_services(app.state.services)
    finally:
        await close_database()


async def cpu_per_request(
    app: Any, query: Query, token: str, requests: int, rounds: int = 5, warm: int = 5
) -> float:
    """Microseconds of this process's CPU per request: the best of `rounds` (other work
    on the machine only adds), after `warm` requests; the first answer must be clean."""
    status, raw = await call(app, query, token)
    if status != 200 or b'"errors"' in raw:
        raise SystemExit(f"{query.name}: HTTP {status} {raw[:300]!r}")
    for _ in range(warm):
        await call(app, query, token)
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(requests):
            await call(app, query, token)
        best = min(best, (time.process_time() - started) / requests * 1e6)
    return best
