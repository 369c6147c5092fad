"""The driver that awaits a batch's coroutines without a task each (schema/execution/driver.py)
keeps asyncio's promises: values in order, every coroutine finished whatever the others do,
and nothing left suspended when the request is cancelled."""

from __future__ import annotations

import asyncio

import pytest

from schema.execution.driver import Failed, drive


async def test_each_coroutine_gives_its_value_in_order_whatever_it_awaited():
    loop = asyncio.get_running_loop()
    shared = loop.create_future()
    loop.call_soon(shared.set_result, 10)

    async def on_shared(add: int) -> int:
        return await shared + add

    async def yields_to_the_loop() -> str:
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        return "after two turns"

    async def at_once() -> str:
        return "at once"

    async def in_a_task() -> str:
        return await asyncio.create_task(at_once())

    outcomes = await drive(
        [on_shared(1), yields_to_the_loop(), at_once(), on_shared(2), in_a_task()]
    )
    assert outcomes == [11, "after two turns", "at once", 12, "at once"]


async def test_one_coroutine_failing_leaves_the_others_to_finish():
    async def fails() -> None:
        await asyncio.sleep(0)
        raise ValueError("broken")

    async def slow() -> str:
        await asyncio.sleep(0.01)
        return "finished"

    outcomes = await drive([fails(), slow()])
    assert isinstance(outcomes[0], Failed) and str(outcomes[0].error) == "broken"
    assert outcomes[1] == "finished"


async def test_a_cancelled_request_closes_the_coroutines_still_waiting():
    closed: list[str] = []
    never = asyncio.get_running_loop().create_future()

    async def waits(name: str) -> None:
        try:
            await never
        finally:
            closed.append(name)

    task = asyncio.create_task(drive([waits("a"), waits("b")]))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sorted(closed) == ["a", "b"]
    assert not never.cancelled()  # a future others may share is left alone


async def test_nothing_to_drive_is_nothing_to_wait_for():
    assert await drive([]) == []
