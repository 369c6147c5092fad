"""aiodataloader's DataLoader, with every caller's wait shielded.

A loader hands the same future to every field that asks for the same key. When one field
fails, graphql-core cancels its siblings' tasks (their results are discarded), and
cancelling a task cancels the future it awaits: the shared one. Another field of the same
request, still awaiting that future on another branch, then failed with CancelledError, an
internal error to the client. Shielded, a cancelled caller leaves the load running for
the others."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Hashable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import aiodataloader

from resolvers.reach import NumberRow

if TYPE_CHECKING:
    from resolvers.loaders import Loaders

K = TypeVar("K")
V = TypeVar("V")
A = TypeVar("A", bound=Hashable)


class Unshielded:
    """Raised (`depth` > 0) while the executor's batch driver steps its coroutines
    (schema/execution/driver.py): nothing cancels those one by one, so a load made from
    them may hand out the shared future itself and skip the shield's second future."""

    depth = 0


class DataLoader(aiodataloader.DataLoader[K, V]):
    def load(self, key: K) -> Awaitable[V]:  # type: ignore[override]
        if Unshielded.depth:
            return super().load(key)
        return asyncio.shield(super().load(key))


class ByNumberRowLoader(DataLoader[int, V]):
    """A loader of something about numbers, given each number's reach row (`load_row`):
    the row carries its tariff, balance and activation day, so no lookup is needed, even
    after the reach was reloaded. Made by `Loaders.get` with the request's loaders."""

    def __init__(self, loaders: Loaders) -> None:
        super().__init__()
        self.loaders = loaders
        self.rows: dict[int, NumberRow] = {}

    def load_row(self, row: NumberRow) -> Any:
        self.rows[row.id] = row
        return self.load(row.id)

    def now(self) -> datetime:
        assert self.loaders.services is not None
        return self.loaders.services.clock()


class ByNumberAndAskLoader(DataLoader[tuple[int, A], V]):
    """A loader of something about numbers that depends on arguments too (a page's size
    and filter): keys are (number id, the arguments), and each distinct set of arguments
    is one `load_numbers` for all the numbers asked with it."""

    async def batch_load_fn(self, keys: list[tuple[int, A]]) -> list[V]:
        by_ask: dict[A, list[int]] = defaultdict(list)
        for number_id, ask in keys:
            by_ask[ask].append(number_id)
        found: dict[tuple[int, A], V] = {}
        for ask, number_ids in by_ask.items():
            values = await self.load_numbers(number_ids, ask)
            found.update(((n, ask), value) for n, value in zip(number_ids, values, strict=True))
        return [found[key] for key in keys]

    async def load_numbers(self, number_ids: list[int], ask: A) -> list[V]:
        """Each number's value under these arguments, in the numbers' order."""
        raise NotImplementedError
