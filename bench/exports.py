"""Usage detail exports: time and peak memory of one export per format, at 10,000 and
100,000 records, through the worker's own path (claim, keyset batches from the database,
the writer in a thread, the storage port).

    .venv/bin/python -m bench.exports --records 10000,100000 --formats CSV,XLSX,PDF

Each export runs in a child process of its own, so that its resident memory is clean:
the child opens the database, queues the job, resets its peak resident set (VmHWM, through
/proc/self/clear_refs) and notes VmRSS, runs the export, then reports VmHWM minus that
baseline: the memory the export itself added at its peak.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.databases import DEFAULT_POSTGRES_URL, ROOT, fresh_database, gateway_env

START = datetime(2026, 1, 1, tzinfo=UTC)


def _memory(field: str) -> int:
    """A /proc/self/status figure in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_peak() -> int:
    """Sets VmHWM to the current VmRSS (Linux 4.0+) and returns it, in kB."""
    Path("/proc/self/clear_refs").write_text("5")
    return _memory("VmRSS")


async def _open(database_url: str) -> None:
    from gateway.db import open_database

    await open_database(database_url)


async def seed(database_url: str, records: int) -> None:
    """One owner, one number, `records` usage records over a year (raw inserts in chunks,
    so seeding does not hold them all)."""
    from tortoise import connections

    from gateway.db import close_database
    from models import Account, Number, Subscriber, Tariff
    from resolvers.sql import is_postgres

    await _open(database_url)
    owner = await Subscriber.create(phone="+79990000001", full_name="Анна Петровна Смирнова")
    account = await Account.create(name="Семья", owner=owner)
    tariff = await Tariff.create(code="basic", name="Базовый", monthly_fee=30000)
    number = await Number.create(
        msisdn="+79990000001", account=account, user=owner, tariff=tariff, activated_at=START
    )
    kinds = ("CALL", "SMS", "DATA")
    step = timedelta(days=360) / records
    sql = (
        "INSERT INTO usage_records (external_id, number_id, kind, direction, counterpart, "
        "started_at, duration_seconds, bytes, cost, currency, roaming_zone) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'RUB', ?)"
    )
    if is_postgres():
        parts = sql.split("?")
        sql = "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], 1)) + parts[-1]
    connection = connections.get("default")
    for first in range(0, records, 5000):
        rows = []
        for i in range(first, min(records, first + 5000)):
            kind = kinds[i % 3]
            at = START + step * i
            rows.append(
                [
                    f"bench-{i}",
                    number.id,
                    kind,
                    "OUT" if i % 2 else "IN",
                    "internet" if kind == "DATA" else f"+7916{i % 10_000_000:07d}",
                    at if is_postgres() else str(at),
                    None if kind == "SMS" else 30 + i % 600,
                    1_000_000 + i if kind == "DATA" else None,
                    150 + i % 500,
                    "Европа" if i % 50 == 0 else None,
                ]
            )
        await connection.execute_many(sql, rows)
    await close_database()


async def export_once(database_url: str, format: str, folder: Path) -> dict[str, float]:
    from gateway.config import Settings
    from gateway.db import close_database
    from gateway.services import build_services, close_services
    from models import ExportFormat, ExportJob, Number
    from permissions.viewer import Viewer
    from resolvers.exports.jobs import enqueue, run_due_exports
    from resolvers.usage_detail import checked_filter

    await _open(database_url)
    settings = Settings(database_url=database_url, export_storage_dir=folder)
    services = build_services(settings)
    number = await Number.get(msisdn="+79990000001")
    period = checked_filter(START, START + timedelta(days=365))
    job = await enqueue(
        Viewer(subscriber_id=number.user_id), number.id, ExportFormat(format), period, START
    )
    baseline = _reset_peak()
    started = time.perf_counter()
    [outcome] = await run_due_exports(services)
    seconds = time.perf_counter() - started
    peak = _memory("VmHWM")
    row = await ExportJob.get(id=job.id)
    if str(outcome.status) != "SUCCEEDED":
        raise RuntimeError(f"export {format} ended {outcome.status}: {row.error_message}")
    await close_services(services)
    await close_database()
    return {
        "seconds": seconds,
        "growth_mb": (peak - baseline) / 1024,
        "rows": row.row_count or 0,
        "size_mb": (row.size_bytes or 0) / 1024 / 1024,
    }


def _child(*args: str) -> str:
    result = subprocess.run(  # noqa: S603 (this module, with our own arguments)
        [sys.executable, "-m", "bench.exports", *args],
        env=gateway_env({}),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.exports {' '.join(args)} failed: {result.stderr[-2000:]}")
    return result.stdout


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.exports", description=__doc__)
    parser.add_argument("--records", default="10000,100000")
    parser.add_argument("--formats", default="CSV,XLSX,PDF")
    parser.add_argument("--database", default="sqlite", choices=("sqlite", "postgres"))
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--seed", nargs=2, metavar=("URL", "RECORDS"), help=argparse.SUPPRESS)
    parser.add_argument("--run", nargs=3, metavar=("URL", "FORMAT", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seed:
        asyncio.run(seed(args.seed[0], int(args.seed[1])))
        return
    if args.run:
        url, format, folder = args.run
        print(json.dumps(asyncio.run(export_once(url, format, Path(folder)))))
        return
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"database: {args.database}")
    print(f"{'records':>8}  {'format':6}  {'seconds':>8}  {'RSS growth MB':>13}  {'file MB':>8}")
    with tempfile.TemporaryDirectory() as workdir:
        for records in (int(n) for n in args.records.split(",")):
            with fresh_database(args.database, Path(workdir), args.postgres_url) as url:
                _child("--seed", url, str(records))
                for format in args.formats.split(","):
                    folder = Path(workdir) / f"exports-{records}-{format}"
                    got = json.loads(_child("--run", url, format, str(folder)))
                    assert got["rows"] == records, got
                    print(
                        f"{records:>8}  {format:6}  {got['seconds']:>8.1f}  "
                        f"{got['growth_mb']:>13.1f}  {got['size_mb']:>8.1f}",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
