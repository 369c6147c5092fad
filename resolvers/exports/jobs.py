"""Usage detail exports: asked for in a request (a QUEUED row, nothing more), made by the
background worker (resolvers/exports/queue.py claims them), downloaded through a signed
link (gateway/export_download.py).

A job streams the records in keyset batches into a writer on a local spool file, renewing
its lease with each batch, then hands the finished file to the storage port. Memory holds
one batch and the writer's own state, whatever the number of records.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from models import ExportFormat, ExportJob, ExportStatus
from permissions.viewer import Viewer
from resolvers.exports.detail_file import heading_for, write_detail
from resolvers.exports.queue import MAX_ATTEMPTS, Claim, claim_next, fail, finish, renew
from resolvers.exports.storage import Exports
from resolvers.exports.writers import EXTENSIONS
from resolvers.services import Services
from resolvers.usage_detail import UsageFilter
from resolvers.usage_detail.filter import ALL_KINDS

log = logging.getLogger("kabinet.exports")
JOBS_PER_PASS = 10
# A pass also has money to settle: after this long it takes no further export (the one
# running finishes) and comes back for the rest at the next pass.
PASS_BUDGET_SECONDS = 30.0


def filter_as_json(usage_filter: UsageFilter, days: tuple[date, date]) -> dict[str, object]:
    """What a job keeps of the (already checked) filter, and the first and last day of the
    period as the client wrote them (for the file's name)."""
    return {
        "from": usage_filter.from_.isoformat(),
        "to": usage_filter.to.isoformat(),
        "kinds": [str(kind) for kind in usage_filter.kinds],
        "days": [days[0].isoformat(), days[1].isoformat()],
    }


def filter_of(stored: dict[str, object]) -> UsageFilter:
    from models import UsageKind

    kinds = tuple(UsageKind(kind) for kind in stored.get("kinds") or ALL_KINDS)  # type: ignore[union-attr]
    return UsageFilter(
        from_=datetime.fromisoformat(str(stored["from"])),
        to=datetime.fromisoformat(str(stored["to"])),
        kinds=kinds,
    )


def days_asked(since: datetime, until: datetime) -> tuple[date, date]:
    """The first and the last day of [since, until) in the offset the client gave."""
    return since.date(), (until - timedelta(microseconds=1)).date()


async def enqueue(
    viewer: Viewer,
    number_id: int,
    format: ExportFormat,
    usage_filter: UsageFilter,
    now: datetime,
    days: tuple[date, date] | None = None,
) -> ExportJob:
    return await ExportJob.create(
        number_id=number_id,
        subscriber_id=viewer.subscriber_id,
        partner_app_id=viewer.partner_app_id,
        scopes=sorted(viewer.scopes),
        format=format,
        status=ExportStatus.QUEUED,
        usage_filter=filter_as_json(
            usage_filter, days or days_asked(usage_filter.from_, usage_filter.to)
        ),
        created_at=now,
    )


@dataclass(frozen=True)
class ExportOutcome:
    job_id: int
    status: ExportStatus
    detail: str = ""


async def run_due_exports(services: Services) -> list[ExportOutcome]:
    """Claims and makes queued exports, one at a time, up to JOBS_PER_PASS."""
    exports = services.exports
    if exports is None:
        return []
    outcomes = []
    started = time.monotonic()
    for _ in range(JOBS_PER_PASS):
        if time.monotonic() - started > PASS_BUDGET_SECONDS:
            break
        claim = await claim_next(services.clock(), exports.lease)
        if claim is None:
            break
        outcomes.append(await run_claimed(services, exports, claim))
    return outcomes


async def run_claimed(services: Services, exports: Exports, claim: Claim) -> ExportOutcome:
    try:
        return await _make(services, exports, claim)
    except asyncio.CancelledError:
        raise  # the worker is stopping: the lease runs out and another worker retries
    except Exception as exc:
        log.exception("export %s, attempt %s, failed", claim.job_id, claim.attempt)
        final = claim.attempt >= MAX_ATTEMPTS
        status = await fail(claim, services.clock(), _actionable(exc, final))
        return ExportOutcome(claim.job_id, status, type(exc).__name__)


def _actionable(exc: Exception, final: bool) -> str:
    what = (
        "The export could not be written (the file storage is unavailable)"
        if isinstance(exc, OSError)
        else "The export failed unexpectedly"
    )
    if final:
        return (
            f"{what}, {MAX_ATTEMPTS} times. Ask for it again later; if it fails again, "
            "contact support with the export's id."
        )
    return f"{what}. It will be tried again in a moment."


async def _make(services: Services, exports: Exports, claim: Claim) -> ExportOutcome:
    job = await ExportJob.get(id=claim.job_id)
    usage_filter = filter_of(job.usage_filter)
    heading = await heading_for(job.number_id, job.subscriber_id, usage_filter)
    extension = EXTENSIONS[job.format]
    spool = exports.spool / f"job-{job.id}-{claim.attempt}.{extension}"
    # What an earlier attempt of this job left behind when its worker died.
    await asyncio.to_thread(_remove_spooled, exports.spool, job.id)

    async def progress(written: int, expected: int) -> None:
        percent = min(99, written * 100 // max(expected, 1))
        if not await renew(claim, percent, services.clock(), exports.lease):
            raise _Overtaken

    try:
        written = await write_detail(
            job.format, spool, job.number_id, usage_filter, heading, progress
        )
    except _Overtaken:
        return ExportOutcome(job.id, ExportStatus.RUNNING, "taken over by another worker")
    key = f"exports/{job.id}-{secrets.token_hex(8)}.{extension}"
    try:
        size = spool.stat().st_size
        await exports.storage.put(key, spool)
    finally:
        await asyncio.to_thread(spool.unlink, missing_ok=True)
    done = await finish(
        claim,
        services.clock(),
        exports.retention,
        row_count=written,
        storage_key=key,
        size_bytes=size,
        error_message=None,
    )
    if not done:  # another worker took it over meanwhile: its file stands, this one goes
        await exports.storage.delete(key)
        return ExportOutcome(job.id, ExportStatus.RUNNING, "taken over by another worker")
    return ExportOutcome(job.id, ExportStatus.SUCCEEDED, f"{written} records, {size} bytes")


def _remove_spooled(spool: Path, job_id: int) -> None:
    for path in spool.glob(f"job-{job_id}-*"):
        path.unlink(missing_ok=True)


class _Overtaken(Exception):
    """This attempt's lease ran out and another worker claimed the job."""


async def remove_expired_files(services: Services, now: datetime) -> Sequence[int]:
    """Removes finished files past their retention; their jobs stay, without a file."""
    exports = services.exports
    if exports is None:
        return []
    expired = await ExportJob.filter(
        status=ExportStatus.SUCCEEDED, storage_key__isnull=False, available_until__lte=now
    ).values("id", "storage_key")
    for row in expired:
        await exports.storage.delete(row["storage_key"])
        await ExportJob.filter(id=row["id"], storage_key=row["storage_key"]).update(
            storage_key=None
        )
    return [row["id"] for row in expired]
