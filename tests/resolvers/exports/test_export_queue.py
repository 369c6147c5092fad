"""The export queue: a failed attempt is retried, the third is FAILED with a message a
person can act on; a silent worker's job is taken over once its lease runs out; several
workers at once make each job once."""

import asyncio
import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from models import ExportFormat, ExportJob, ExportStatus
from permissions.viewer import Viewer
from resolvers.exports.jobs import enqueue, run_due_exports
from resolvers.exports.queue import GAVE_UP, RETRY_AFTER, claim_next
from resolvers.usage_detail import checked_filter
from tests.schema.exports.world import CALLS, DATA, NOVEMBER, NOW, SMS, build_world

PERIOD = checked_filter(
    datetime.fromisoformat(NOVEMBER["from"]), datetime.fromisoformat(NOVEMBER["to"])
)


@pytest.fixture
async def world(viewers, services):
    services.clock = lambda: NOW
    return await build_world(viewers)


async def queued(world, format=ExportFormat.CSV) -> ExportJob:
    owner = Viewer(subscriber_id=(await world.number.account).owner_id)
    return await enqueue(owner, world.number.id, format, PERIOD, NOW)


class BrokenStorage:
    description = "a disk that is full"

    async def put(self, key: str, source: Path) -> None:
        raise OSError(28, "No space left on device")


async def test_a_failing_export_is_retried_then_failed_with_a_message(services, world):
    job = await queued(world)
    services.exports = dataclasses.replace(services.exports, storage=BrokenStorage())
    now = NOW
    for attempt in (1, 2):
        services.clock = lambda now=now: now
        [outcome] = await run_due_exports(services)
        assert outcome.status is ExportStatus.QUEUED
        row = await ExportJob.get(id=job.id)
        assert (row.status, row.attempts) == (ExportStatus.QUEUED, attempt)
        assert "tried again in a moment" in row.error_message
        assert await run_due_exports(services) == []  # not before the pause
        now += RETRY_AFTER
    services.clock = lambda: now
    [outcome] = await run_due_exports(services)
    row = await ExportJob.get(id=job.id)
    assert (row.status, row.attempts) == (ExportStatus.FAILED, 3)
    assert row.error_message.startswith("The export could not be written")
    assert "3 times. Ask for it again later" in row.error_message
    assert list(services.exports.spool.glob("*")) == []  # no half-written file left behind
    services.clock = lambda: now + timedelta(days=1)
    assert await run_due_exports(services) == []


async def test_a_job_whose_worker_went_silent_is_taken_over_after_its_lease(services, world):
    job = await queued(world)
    lease = services.exports.lease
    dead = await claim_next(NOW, lease)  # a worker claims it, then dies
    assert dead is not None and dead.attempt == 1
    assert await run_due_exports(services) == []  # its lease still holds
    services.clock = lambda: NOW + lease + timedelta(seconds=1)
    [outcome] = await run_due_exports(services)
    assert outcome.status is ExportStatus.SUCCEEDED
    row = await ExportJob.get(id=job.id)
    assert (row.status, row.attempts, row.row_count) == (
        ExportStatus.SUCCEEDED,
        2,
        CALLS + SMS + DATA,
    )


async def test_a_job_that_died_three_times_is_failed_with_a_message(services, world):
    job = await queued(world)
    lease = services.exports.lease
    now = NOW
    for _ in range(3):
        assert await claim_next(now, lease) is not None  # claimed, then the worker dies
        now += lease + timedelta(seconds=1)
    assert await claim_next(now, lease) is None
    row = await ExportJob.get(id=job.id)
    assert (row.status, row.attempts) == (ExportStatus.FAILED, 3)
    assert row.error_message == GAVE_UP.format(attempts=3)


async def test_two_workers_at_once_make_each_job_once(services, world, settings):
    jobs = [await queued(world, format) for format in ExportFormat for _ in range(2)]
    first, second = await asyncio.gather(run_due_exports(services), run_due_exports(services))
    made = sorted(outcome.job_id for outcome in first + second)
    assert made == sorted(job.id for job in jobs)
    rows = await ExportJob.all()
    assert {(row.status, row.attempts) for row in rows} == {(ExportStatus.SUCCEEDED, 1)}
    assert len(list((settings.export_storage_dir / "exports").iterdir())) == len(jobs)
