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
