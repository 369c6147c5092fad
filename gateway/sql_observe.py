"""Counts and times the SQL statements of the request being served (gateway/observe.py).

A wrapper around the statement methods of tortoise's client classes, installed once per
process: tortoise's own statement log (the tortoise.db_client logger) is off outside
DEBUG because it carries parameter values, and it says nothing about time."""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from gateway.observe import current_record

_METHODS = (
    "execute_query",
    "execute_query_dict",
    "execute_insert",
    "execute_many",
    "execute_script",
)
# Set while a statement is timed: a method that calls another (execute_query_dict ->
# execute_query in the base class) is one statement, not two.
_inside: ContextVar[bool] = ContextVar("inside_sql_statement", default=False)
_installed = False


def _timed(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(method)
    async def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
        record = current_record()
        if record is None or _inside.get():
            return await method(self, *args, **kwargs)
        token = _inside.set(True)
        started = time.perf_counter()
        try:
            return await method(self, *args, **kwargs)
        finally:
            record.sql_statements += 1
            record.sql_seconds += time.perf_counter() - started
            _inside.reset(token)

    timed.__kabinet_timed__ = True  # type: ignore[attr-defined]
    return timed


def install() -> None:
    """Wraps the methods each client class defines itself (subclasses override them)."""
    global _installed
    if _installed:
        return
    import importlib

    from tortoise.backends.base.client import BaseDBAsyncClient

    # tortoise imports a backend when it first connects; wrapped now, both are covered.
    for module in ("tortoise.backends.sqlite.client", "tortoise.backends.asyncpg.client"):
        importlib.import_module(module)

    pending: list[type] = [BaseDBAsyncClient]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        for name in _METHODS:
            method = cls.__dict__.get(name)
            if method is not None and not getattr(method, "__kabinet_timed__", False):
                setattr(cls, name, _timed(method))
    _installed = True
