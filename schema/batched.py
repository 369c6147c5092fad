"""Resolvers that also answer for a whole list of objects in one call.

Why: asked of a list of 500 numbers, an async field's resolver runs 500 times, each a
coroutine with its own loader future to await. The breadth-first executor
(schema/execution/batches.py) instead calls the field's `many` once with every object of
the list: one coroutine and one wait for the whole level, the loader keys handed over
together (`DataLoader.load_all`).

The contract of `many(sources, context, **arguments)`: it returns, in the sources' order,
exactly what the resolver returns for each source with those arguments. The resolver is
written as `many` of a list of one, so there is a single implementation of the field:

    @access_field(FULL, scope=SEE_NUMBERS, description="The autopay rule, if any.")
    @batched(autopay_of)
    async def autopay(self, info: Info) -> Autopay | None:
        return (await autopay_of([self], info.context))[0]

When `many` raises, the executor completes the list the ordinary way, the resolver per
object, which reports the error on the object it belongs to. Every query of the test suite
is also answered by stock graphql-core, which only calls resolvers, and the answers are
compared (tests/support/twin_executor.py): a `many` that disagrees with its resolver fails
the suite.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

Many = Callable[..., Awaitable[list[Any]]]
Resolver = TypeVar("Resolver", bound=Callable[..., Any])


def batched(many: Many) -> Callable[[Resolver], Resolver]:
    """Marks a resolver as answered for whole lists by `many` (see the module)."""

    def mark(resolver: Resolver) -> Resolver:
        resolver.many = many  # type: ignore[attr-defined]
        return resolver

    return mark


def many_of(resolver: Callable[..., Any]) -> Many | None:
    return getattr(resolver, "many", None)
