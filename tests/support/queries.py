"""Counts the SQL statements tortoise sends, for exact query-count assertions."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

_DB_LOG = logging.getLogger("tortoise.db_client")
# Set while the suite's own checking work runs (a query answered again by the twin
# executor): its statements are not the application's, so they are not counted.
_UNCOUNTED: ContextVar[bool] = ContextVar("uncounted", default=False)


@dataclass
class StatementLog:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


class _Collector(logging.Handler):
    def __init__(self, log: StatementLog) -> None:
        super().__init__(logging.DEBUG)
        self.log = log

    def emit(self, record: logging.LogRecord) -> None:
        message = str(record.msg)
        if _UNCOUNTED.get() or message.startswith(("Created connection", "Closed connection")):
            return
        statement = str(record.args[0]) if record.args else message
        self.log.statements.append(statement)


@contextmanager
def count_queries() -> Iterator[StatementLog]:
    log = StatementLog()
    handler = _Collector(log)
    level, propagate = _DB_LOG.level, _DB_LOG.propagate
    _DB_LOG.addHandler(handler)
    _DB_LOG.setLevel(logging.DEBUG)
    _DB_LOG.propagate = False  # statements carry values; keep them out of captured logs
    try:
        yield log
    finally:
        _DB_LOG.removeHandler(handler)
        _DB_LOG.setLevel(level)
        _DB_LOG.propagate = propagate


@contextmanager
def uncounted() -> Iterator[None]:
    """Statements sent inside (and by tasks started inside) are left out of every count."""
    token = _UNCOUNTED.set(True)
    try:
        yield
    finally:
        _UNCOUNTED.reset(token)
