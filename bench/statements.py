"""SQL statements per request, counted in-process: the app behind httpx.ASGITransport, and a
handler on tortoise's `tortoise.db_client` DEBUG records (one record per statement)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from bench.queries import Query, check_answer
from gateway.app import create_app
from gateway.config import Settings
from gateway.services import close_services

_DB_LOG = logging.getLogger("tortoise.db_client")


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = str(record.msg)
        if message.startswith(("Created connection", "Closed connection")):
            return
        self.statements.append(str(record.args[0]) if record.args else message)


@contextmanager
def _collecting() -> Iterator[_Collector]:
    collector = _Collector()
    level, propagate = _DB_LOG.level, _DB_LOG.propagate
    _DB_LOG.addHandler(collector)
    _DB_LOG.setLevel(logging.DEBUG)
    _DB_LOG.propagate = False  # statements carry values (token hashes): keep them quiet
    try:
        yield collector
    finally:
        _DB_LOG.removeHandler(collector)
        _DB_LOG.setLevel(level)
        _DB_LOG.propagate = propagate


@dataclass(frozen=True)
class StatementCount:
    per_request: list[int]
    statements: list[str]  # those of the last measured request

    @property
    def steady(self) -> int:
        return self.per_request[-1] if self.per_request else 0


async def count_statements(
    settings: Settings, query: Query, token: str, numbers: int, repeats: int = 3
) -> StatementCount:
    """Sends `query` once to warm up, then `repeats` times counting statements; every
    answer is checked, so a wrong answer stops the benchmark before any load is sent."""
    app = create_app(settings, manage_database=False)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    per_request: list[int] = []
    statements: list[str] = []
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            for attempt in range(repeats + 1):
                with _collecting() as sql:
                    response = await http.post(
                        "/graphql", content=query.body, headers=query.headers(token)
                    )
                check_answer(query, response.status_code, json.loads(response.text), numbers)
                if attempt:
                    per_request.append(len(sql.statements))
                    statements = sql.statements
    finally:
        await close_services(app.state.services)
    return StatementCount(per_request, statements)
