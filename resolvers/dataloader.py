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
from collections.abc import Awaitable, Hashable, Iterable
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

    def load_all(self, keys: Iterable[K]) -> Awaitable[list[V]]:
        """What `load` gives each key, in the keys' order, for one await: the keys not yet
        known join the loader's next batch exactly as `load`'s do (so a list of numbers
        and a number loaded elsewhere in the same turn still share one statement), without
        an awaitable per key. A key whose value is an error raises it, as `load` would."""
        load = super().load
        return _settled([load(key) for key in keys], shielded=not Unshielded.depth)


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

    def load_rows(self, rows: Iterable[NumberRow]) -> Awaitable[list[V]]:
        """`load_row` for every row, for one await (`load_all`)."""
        ids = []
        for row in rows:
            self.rows[row.id] = row
            ids.append(row.id)
        return self.load_all(ids)

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


async def _settled(futures: list[asyncio.Future[V]], shielded: bool) -> list[V]:
    for future in futures:
        if not future.done():
            # The futures are shared with every other asker of the key: see the module's
            # docstring for why a cancellable caller waits on a shield.
            await (asyncio.shield(future) if shielded else future)
    return [future.result() for future in futures]
