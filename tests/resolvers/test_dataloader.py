"""A field whose sibling was cancelled still gets what it shares with it from a loader."""

from __future__ import annotations

import asyncio

from resolvers.dataloader import DataLoader


class Slow(DataLoader[int, int]):
    async def batch_load_fn(self, keys):
        await asyncio.sleep(0.05)
        return [key * 10 for key in keys]


async def test_a_field_sharing_a_load_with_a_cancelled_sibling_still_gets_its_value():
    loader = Slow()

    async def field() -> int:
        return await loader.load(1)

    cancelled = asyncio.create_task(field())
    sharing = asyncio.create_task(field())
    await asyncio.sleep(0.01)
    cancelled.cancel()  # as graphql-core cancels a failed field's siblings
    assert await sharing == 10
    assert await loader.load(1) == 10  # and the cached value stays good


class Counted(DataLoader[int, int]):
    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[int]] = []

    async def batch_load_fn(self, keys):
        self.batches.append(list(keys))
        await asyncio.sleep(0)
        return [ValueError(f"no {key}") if key < 0 else key * 10 for key in keys]


async def test_a_list_loaded_at_once_shares_its_batch_with_single_loads_of_the_same_turn():
    loader = Counted()
    single = loader.load(3)
    many = loader.load_all([1, 2, 3])
    assert await many == [10, 20, 30]
    assert await single == 30
    assert loader.batches == [[3, 1, 2]]
    assert await loader.load_all([2, 1]) == [20, 10]  # from the cache: no new batch
    assert loader.batches == [[3, 1, 2]]


async def test_a_list_with_a_failed_key_raises_that_key_s_error():
    loader = Counted()
    try:
        await loader.load_all([1, -1])
    except ValueError as error:
        assert str(error) == "no -1"
    else:
        raise AssertionError("the failed key's error was not raised")


async def test_a_cancelled_list_leaves_the_shared_loads_to_the_others():
    loader = Slow()

    async def field() -> list[int]:
        return await loader.load_all([1, 2])

    cancelled = asyncio.create_task(field())
    sharing = asyncio.ensure_future(loader.load(2))
    await asyncio.sleep(0.01)
    cancelled.cancel()
    assert await sharing == 20
    assert await loader.load_all([1, 2]) == [10, 20]
