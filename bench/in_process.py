"""The gateway in this process, on a seeded family tree, called as plain ASGI: what the
in-process benchmarks (tree_fields, requests_history) share."""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bench.profile_tree import _call
from bench.queries import Query
from bench.seed import Family, seed_family
from gateway.app import create_app
from gateway.config import Settings
from gateway.db import close_database, open_database
from gateway.services import close_services
from gateway.transport import tune_garbage_collector


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
    status, raw = await _call(app, query, token)
    if status != 200 or b'"errors"' in raw:
        raise SystemExit(f"{query.name}: HTTP {status} {raw[:300]!r}")
    for _ in range(warm):
        await _call(app, query, token)
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(requests):
            await _call(app, query, token)
        best = min(best, (time.process_time() - started) / requests * 1e6)
    return best
