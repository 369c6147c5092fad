"""The worker's switch of tariff changes scheduled for the next period: once, whatever the
number of workers, and never for a cancelled one."""

import asyncio
from datetime import timedelta

import pytest

from models import Number, NumberService, NumberStatus, Operation, OperationStatus
from resolvers.catalog import load_catalogue
from resolvers.operations.records import SYSTEM
from resolvers.operations.scheduled import switch_due_tariffs
from resolvers.operations.tariff_change import (
    Effective,
    TariffChange,
    cancel_scheduled,
    change_tariff,
)
from tests.schema.operations.world import NOW, PERIOD_END, build_world, connect


@pytest.fixture
async def world(viewers):
    return await build_world(viewers)


async def schedule(world, tariff="smart", disconnect=False) -> Operation:
    operation, _ = await change_tariff(
        TariffChange(
            world.number.id, world.tariffs[tariff].id, Effective.NEXT_PERIOD, None, disconnect
        ),
        SYSTEM,
        await load_catalogue(),
        NOW,
    )
    return operation


async def tariff_code(world) -> str:
    number = await Number.get(id=world.number.id).prefetch_related("tariff")
    return number.tariff.code


async def test_scheduled_change_switches_when_the_period_turns_and_not_before(world):
    operation = await schedule(world)
    assert await switch_due_tariffs(PERIOD_END - timedelta(seconds=1)) == []
    assert await tariff_code(world) == "start"
    outcomes = await switch_due_tariffs(PERIOD_END)
    assert [(o.operation_id, o.status) for o in outcomes] == [
        (operation.id, OperationStatus.COMPLETED)
    ]
    assert await tariff_code(world) == "smart"
    stored = await Operation.get(id=operation.id)
    assert (stored.status, stored.finished_at) == (OperationStatus.COMPLETED, PERIOD_END)
    assert await switch_due_tariffs(PERIOD_END + timedelta(hours=1)) == []


async def test_several_workers_switch_a_change_exactly_once(world):
    await schedule(world)
    results = await asyncio.gather(*[switch_due_tariffs(PERIOD_END) for _ in range(5)])
    assert sum(len(outcomes) for outcomes in results) == 1
    assert await tariff_code(world) == "smart"


async def test_a_cancelled_change_is_never_switched(world):
    await schedule(world)
    cancelled = await cancel_scheduled(world.number.id, NOW)
    assert cancelled.status == OperationStatus.CANCELLED
    assert await switch_due_tariffs(PERIOD_END) == []
    assert await tariff_code(world) == "start"


async def test_a_number_blocked_before_the_turn_fails_the_change_with_the_reason(world):
    operation = await schedule(world)
    await Number.filter(id=world.number.id).update(status=NumberStatus.BLOCKED)
    (outcome,) = await switch_due_tariffs(PERIOD_END)
    assert outcome.status == OperationStatus.FAILED
    stored = await Operation.get(id=operation.id)
    assert stored.status == OperationStatus.FAILED
    assert stored.failure_reason == "The number was blocked when the period turned."
    assert await tariff_code(world) == "start"


async def test_a_service_connected_meanwhile_that_the_tariff_excludes_fails_the_change(world):
    operation = await schedule(world, tariff="data-sim")
    await connect(world, "caller-id")
    (outcome,) = await switch_due_tariffs(PERIOD_END)
    assert outcome.status == OperationStatus.FAILED
    assert "«Определитель номера»" in (await Operation.get(id=operation.id)).failure_reason


async def test_disconnect_incompatible_drops_the_services_at_the_turn(world):
    await connect(world, "caller-id")
    operation = await schedule(world, tariff="data-sim", disconnect=True)
    (outcome,) = await switch_due_tariffs(PERIOD_END)
    assert outcome.status == OperationStatus.COMPLETED
    assert not await NumberService.exists(number_id=world.number.id)
    stored = await Operation.get(id=operation.id)
    assert stored.details["dropped_service_ids"] == [world.services["caller-id"].id]
