"""The export queue: jobs wait in `export_jobs` and workers claim them one at a time.

A claim moves a job to RUNNING with a lease (`locked_until`) in one UPDATE. On PostgreSQL
the job is picked with `FOR UPDATE SKIP LOCKED`, so workers on any number of hosts each take
a different job without waiting on each other; on SQLite (one worker) the same UPDATE runs
without the lock clause, SQLite's single writer serialising it. A worker renews the lease
with every batch it writes; one that dies stops renewing, and once the lease has run out
the job is claimed again. Every claim counts an attempt: the third attempt that fails, or
dies, leaves the job FAILED with a message a person can act on.

Why not a job library (procrastinate and the like): it would bring its own tables, its own
worker process and PostgreSQL only, while the embedded default is SQLite and the worker
already runs a pass of every background task; the queue is two statements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from models import ExportStatus
from resolvers.sql import fetch_all, is_postgres
from resolvers.usage_detail.rows import time_param

MAX_ATTEMPTS = 3
# A failed attempt is retried after this pause (a busy database, a full disk being cleared).
RETRY_AFTER = timedelta(seconds=30)
GAVE_UP = (
    "The export stopped {attempts} times before it was finished. Ask for a shorter period "
    "or another format; if it fails again, contact support with the export's id."
)

_DUE = """
(status = 'QUEUED' AND (locked_until IS NULL OR locked_until <= ?))
OR (status = 'RUNNING' AND locked_until <= ?)
"""
_CLAIM = f"""
UPDATE export_jobs SET status = 'RUNNING', attempts = attempts + 1, locked_until = ?
WHERE id = (
  SELECT id FROM export_jobs WHERE {_DUE} AND attempts < {MAX_ATTEMPTS}
  ORDER BY id LIMIT 1 {{lock}}
)
RETURNING id, attempts
"""  # noqa: S608 (only our constants)
# Jobs whose last allowed attempt died: nobody will run them again.
_ABANDONED = f"""
UPDATE export_jobs SET status = 'FAILED', locked_until = NULL, error_message = ?
WHERE status = 'RUNNING' AND locked_until <= ? AND attempts >= {MAX_ATTEMPTS}
"""  # noqa: S608


@dataclass(frozen=True)
class Claim:
    job_id: int
    attempt: int  # 1, 2 or 3: the lease is this attempt's only


async def claim_next(now: datetime, lease: timedelta) -> Claim | None:
    at = time_param(now)
    await fetch_all(_ABANDONED, [GAVE_UP.format(attempts=MAX_ATTEMPTS), at])
    sql = _CLAIM.format(lock="FOR UPDATE SKIP LOCKED" if is_postgres() else "")
    rows = await fetch_all(sql, [time_param(now + lease), at, at])
    return Claim(int(rows[0]["id"]), int(rows[0]["attempts"])) if rows else None


async def renew(claim: Claim, progress: int, now: datetime, lease: timedelta) -> bool:
    """Records progress and extends the lease; False when the job is no longer this
    attempt's (its lease ran out and another worker took it over)."""
    rows = await fetch_all(
        "UPDATE export_jobs SET progress = ?, locked_until = ? "
        "WHERE id = ? AND status = 'RUNNING' AND attempts = ? RETURNING id",
        [progress, time_param(now + lease), claim.job_id, claim.attempt],
    )
    return bool(rows)


async def finish(claim: Claim, now: datetime, retention: timedelta, **done: object) -> bool:
    """SUCCEEDED with the file's facts, if the job is still this attempt's."""
    columns = ", ".join(f"{name} = ?" for name in done)
    rows = await fetch_all(
        f"UPDATE export_jobs SET status = 'SUCCEEDED', progress = 100, locked_until = NULL, "  # noqa: S608
        f"finished_at = ?, available_until = ?, {columns} "
        "WHERE id = ? AND status = 'RUNNING' AND attempts = ? RETURNING id",
        [time_param(now), time_param(now + retention), *done.values(), claim.job_id, claim.attempt],
    )
    return bool(rows)


async def fail(claim: Claim, now: datetime, message: str) -> ExportStatus:
    """Back to the queue for another attempt, or FAILED after the last one."""
    final = claim.attempt >= MAX_ATTEMPTS
    status = ExportStatus.FAILED if final else ExportStatus.QUEUED
    await fetch_all(
        "UPDATE export_jobs SET status = ?, locked_until = ?, error_message = ?, "
        "finished_at = ? WHERE id = ? AND status = 'RUNNING' AND attempts = ? RETURNING id",
        [
            str(status),
            None if final else time_param(now + RETRY_AFTER),
            message[:300],
            time_param(now) if final else None,
            claim.job_id,
            claim.attempt,
        ],
    )
    return status
