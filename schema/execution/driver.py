"""Many coroutines awaited together without a task each.

`asyncio.gather` wraps every coroutine in a Task: a Task object, a scheduled first step, a
done callback, a wake-up per await. A family tree of 500 numbers has thousands of small
resolver coroutines (each awaits one loader future), and those tasks were ~15% of the
request. `drive` steps the coroutines itself, as a Task would (the same protocol: a
coroutine yields the future it waits for, or None to let the loop run), and waits for the
futures they wait on with one waiter of its own.

What differs from gather: the coroutines run in the caller's task (`current_task()` is
the caller's, and so are context variables), and one coroutine's error does not cancel
the others; `drive` returns every outcome and the caller decides.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from resolvers.dataloader import Unshielded


class Failed:
    """A coroutine's outcome when it raised."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


async def drive(coroutines: list[Coroutine[Any, Any, Any]]) -> list[Any]:
    """Each coroutine's value, in order, or a `Failed` holding what it raised. If the caller
    is cancelled, the coroutines still suspended are closed and the cancellation goes on."""
    count = len(coroutines)
    outcomes: list[Any] = [None] * count
    runnable = list(range(count))
    waiting: dict[asyncio.Future[Any], list[int]] = {}  # future -> the coroutines on it
    woken: list[asyncio.Future[Any]] = []
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[None] | None = None

    def wake(future: asyncio.Future[Any]) -> None:
        woken.append(future)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    try:
        while True:
            yielded_none: list[int] = []
            Unshielded.depth += 1
            try:
                _step(coroutines, runnable, outcomes, yielded_none, waiting, wake)
            finally:
                Unshielded.depth -= 1
            if yielded_none:
                await asyncio.sleep(0)
                runnable = yielded_none
                continue
            if not waiting:
                return outcomes
            if not woken:
                waiter = loop.create_future()
                await waiter
                waiter = None
            runnable = []
            for future in woken:
                runnable.extend(waiting.pop(future))
            woken.clear()
    except BaseException:
        for future in waiting:
            future.remove_done_callback(wake)
        for coroutine in coroutines:  # closing a finished coroutine does nothing
            try:
                coroutine.close()
            except RuntimeError:  # it awaited again while closing: nothing more to do
                pass
        raise


def _step(
    coroutines: list[Coroutine[Any, Any, Any]],
    runnable: list[int],
    outcomes: list[Any],
    yielded_none: list[int],
    waiting: dict[asyncio.Future[Any], list[int]],
    wake: Callable[[asyncio.Future[Any]], None],
) -> None:
    """One turn: each runnable coroutine runs to its next await, or to its end."""
    for index in runnable:
        try:
            yielded = coroutines[index].send(None)
        except StopIteration as stop:
            outcomes[index] = stop.value
            continue
        except Exception as error:
            outcomes[index] = Failed(error)
            continue
        if yielded is None:  # a bare yield (asyncio.sleep(0)): run again next turn
            yielded_none.append(index)
        elif getattr(yielded, "_asyncio_future_blocking", False):
            yielded._asyncio_future_blocking = False
            parked = waiting.get(yielded)
            if parked is None:
                waiting[yielded] = [index]
                yielded.add_done_callback(wake)
            else:
                parked.append(index)
        else:
            coroutines[index].close()
            outcomes[index] = Failed(RuntimeError(f"a coroutine yielded {yielded!r}, not a future"))
