"""Every query the suite sends is answered twice: by Kabinet's executor (schema/execution.py,
with its fast path) and by strawberry's stock one, and the two answers must be the same.

The fast path re-implements a part of graphql-core's execution; this makes every test in
the suite a check that it did so faithfully (data, error messages, paths, codes). Only
queries run twice: mutations and subscriptions have effects, and run once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionResult

from resolvers.context import RequestContext
from schema import build_schema
from schema import schema as served_schema
from schema.execution.suggestions import SuggestionsByPolicy
from tests.support.queries import uncounted

# Set around a query whose twin would only repeat a comparison already made on a smaller
# answer (the 500-number tree: tens of seconds more for nothing new).
_ONCE: ContextVar[bool] = ContextVar("answered_once", default=False)


@contextmanager
def answered_once() -> Iterator[None]:
    """Queries sent inside are answered by Kabinet's executor alone."""
    token = _ONCE.set(True)
    try:
        yield
    finally:
        _ONCE.reset(token)


def _is_query(document: str | None, operation_name: str | None) -> bool:
    if not document:
        return False
    try:
        operation = get_operation_ast(parse(document), operation_name)
    except GraphQLError:
        return False
    return operation is not None and operation.operation is OperationType.QUERY


def _without_rate_limits(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The twin asks again what was asked once: it must not be counted a second time."""
    context = kwargs.get("context_value")
    if not isinstance(context, RequestContext) or context.services.rate_limiter is None:
        return kwargs
    services = replace(context.services, rate_limiter=None)
    return {**kwargs, "context_value": replace(context, services=services)}


def _rate_limited(result: ExecutionResult) -> bool:
    return any((e.extensions or {}).get("code") == "RATE_LIMITED" for e in result.errors or [])


def _nulled_above(data: Any, path: list[str | int] | None) -> tuple[str | int, ...] | None:
    """The path of the nearest object above an error's field that is null in the answer
    (a non-null field's error nulled it), or None when every object above is there."""
    if not path:
        return None
    current = data
    for depth, key in enumerate(path[:-1]):
        if current is None:
            return tuple(path[:depth])
        current = current.get(key) if isinstance(current, dict) else current[key]
    return tuple(path[:-1]) if current is None else None


def _answer(result: ExecutionResult) -> tuple[Any, list[dict[str, Any]], list[Any]]:
    """What must be the same in both answers: the data; every error, in a stable order
    (the spec gives the list none, and graphql-core's follows which awaits finish first, so
    two async fields that both fail may come in either order from either executor); but of
    the errors below an object a non-null field's error nulled, only that there were some:
    graphql-core cancels the fields still running beside the one that failed, so whether a
    sibling's own error (a `node` NOT_FOUND beside a failing root `services`) made it into
    the list depends on which finished first, in either executor."""
    exact, nulled = [], set()
    for error in result.errors or []:
        above = _nulled_above(result.data, error.path)
        if above is None:
            exact.append(error.formatted)
        else:
            nulled.add(above)
    errors = sorted(exact, key=lambda error: repr(sorted(error.items())))
    return result.data, errors, sorted(nulled, key=repr)


@dataclass
class Comparisons:
    count: int = 0


@contextmanager
def answered_by_both_executors() -> Iterator[Comparisons]:
    """While active, the served schema's queries are also run on a stock-executor twin and
    compared (an AssertionError on any difference)."""
    twin = build_schema()
    # Stock execution, with the production rule on suggestions that is not execution.
    twin.execution_context_class = type(
        "StockExecutor", (SuggestionsByPolicy, StrawberryGraphQLCoreExecutionContext), {}
    )
    fast_execute = served_schema.execute
    comparisons = Comparisons()

    async def execute(query: str | None, *args: Any, **kwargs: Any) -> ExecutionResult:
        fast = await fast_execute(query, *args, **kwargs)
        # A query refused before execution ran no executor: nothing to compare.
        compared = _is_query(query, kwargs.get("operation_name")) and not _ONCE.get()
        if compared and not _rate_limited(fast):
            with uncounted():
                stock = await twin.execute(query, *args, **_without_rate_limits(kwargs))
            assert _answer(fast) == _answer(stock), (query, _answer(fast), _answer(stock))
            comparisons.count += 1
        return fast

    served_schema.execute = execute  # type: ignore[method-assign]
    try:
        yield comparisons
    finally:
        del served_schema.execute
