"""Usage detail benchmark: a page of 100 records of a busy number, first and deep (a cursor
90% into the history), its totals, and a stream of the whole year, at history sizes.

    .venv/bin/python -m bench.usage_pages --sizes 10000,1000000 --databases postgres

For each database and size: a fresh database, `kabinet seed --demo --usage-records N`
(timed), then in a child process (tortoise is opened once per process) each measurement
repeated `--repeats` times. Page times must stay flat from 10,000 to 1,000,000 records (the
keyset read is one index range scan); totals and the stream read the whole filter and grow
with it, in time but not in memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.databases import (
    DATABASES,
    DEFAULT_POSTGRES_URL,
    ROOT,
    BenchError,
    fresh_database,
    gateway_env,
)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.usage_pages", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,1000000", help="records of the busy number")
    parser.add_argument("--databases", default="postgres", help="postgres and/or sqlite")
    parser.add_argument("--repeats", type=int, default=30, help="timed reads of each kind")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--measure", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    args.databases = [db.strip() for db in args.databases.split(",") if db.strip()]
    for db in args.databases:
        if db not in DATABASES:
            parser.error(f"unknown database {db!r}; use {', '.join(DATABASES)}")
    return args


async def _timed(repeats: int, read: Callable[[], Awaitable[Any]]) -> dict[str, float]:
    await read()  # warm: prepared statement, caches
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        await read()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50_ms": statistics.median(times), "max_ms": times[-1]}


async def _measure(database_url: str, repeats: int) -> dict[str, Any]:
    from gateway.db import close_database, open_database
    from models import Number
    from resolvers.demo.busy import BUSY_PHONE
    from resolvers.sql import as_datetime, fetch_all
    from resolvers.usage_detail import checked_filter, stream_usage, usage_page, usage_totals
    from resolvers.usage_detail.days import traffic_by_number
    from resolvers.usage_detail.page import encode_cursor
    from resolvers.usage_detail.rows import Key

    await open_database(database_url)
    try:
        number = await Number.get(msisdn=BUSY_PHONE)
        now = datetime.now(UTC)
        year = checked_filter(now - timedelta(days=365), now)
        total = (
            await fetch_all(
                "SELECT COUNT(*) AS n FROM usage_records WHERE number_id = ?", [number.id]
            )
        )[0]["n"]
        # Where a reader 90% into the history stands (OFFSET here only to find the place).
        deep = await fetch_all(
            "SELECT started_at, id FROM usage_records WHERE number_id = ? "
            "ORDER BY started_at DESC, id DESC LIMIT 1 OFFSET ?",
            [number.id, int(total * 0.9)],
        )
        started_at = as_datetime(deep[0]["started_at"])
        assert started_at is not None
        cursor = encode_cursor(Key(started_at, deep[0]["id"]), year)
        first = await usage_page(number.id, year, 100, None)
        deeper = await usage_page(number.id, year, 100, cursor)
        assert len(first.rows) == 100 and len(deeper.rows) == 100, "history too short"
        found: dict[str, Any] = {"records": total}
        found["first_page"] = await _timed(repeats, lambda: usage_page(number.id, year, 100, None))
        found["deep_page"] = await _timed(repeats, lambda: usage_page(number.id, year, 100, cursor))
        found["totals"] = await _timed(max(3, repeats // 10), lambda: usage_totals(number.id, year))
        # Internet per day over the year: Moscow has one offset all year; Berlin changes
        # twice (on SQLite, a CASE over the three parts of the year).
        for zone_name, key in (("Europe/Moscow", "days_moscow"), ("Europe/Berlin", "days_berlin")):
            found[key] = await _timed(
                max(3, repeats // 10), lambda z=zone_name: traffic_by_number([number.id], year, z)
            )
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        streamed = 0
        async for batch in stream_usage(number.id, year, 1000):
            streamed += len(batch)
        found["stream_s"] = time.perf_counter() - started
        found["streamed"] = streamed
        found["stream_rss_growth_mb"] = (
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
        ) / 1024
        return found
    finally:
        await close_database()


def _seed(database_url: str, size: int) -> float:
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "gateway", "seed", "--demo", "--usage-records", str(size)],
        env=gateway_env({"DATABASE_URL": database_url}),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"kabinet seed failed ({result.returncode}): {result.stderr.strip()}")
    return time.perf_counter() - started


def _measured_in_child(database_url: str, repeats: int) -> dict[str, Any]:
    result = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [
            sys.executable,
            "-m",
            "bench.usage_pages",
            "--measure",
            database_url,
            "--repeats",
            str(repeats),
        ],
        env=gateway_env({}),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"measuring failed ({result.returncode}): {result.stderr.strip()}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _table(rows: list[tuple[str, int, float, dict[str, Any]]]) -> str:
    lines = [
        "database     records  seed s  first page p50/max ms  deep page p50/max ms  "
        "totals p50 ms  days p50 ms (Moscow/Berlin)  stream all s  stream RSS +MB"
    ]
    for database, size, seed_s, m in rows:
        lines.append(
            f"{database:<8} {size:>11,} {seed_s:>7.1f}  "
            f"{m['first_page']['p50_ms']:>10.2f} / {m['first_page']['max_ms']:<8.2f}  "
            f"{m['deep_page']['p50_ms']:>9.2f} / {m['deep_page']['max_ms']:<8.2f}  "
            f"{m['totals']['p50_ms']:>13.1f}  "
            f"{m['days_moscow']['p50_ms']:>13.1f} / {m['days_berlin']['p50_ms']:<12.1f}  "
            f"{m['stream_s']:>12.2f}  "
            f"{m['stream_rss_growth_mb']:>14.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    if args.measure:
        print(json.dumps(asyncio.run(_measure(args.measure, args.repeats))))
        return 0
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="kabinet-usage-bench-") as workdir:
            for database in args.databases:
                for size in args.sizes:
                    with fresh_database(database, Path(workdir), args.postgres_url) as url:
                        _say(f"{database}: seeding {size:,} records")
                        seed_s = _seed(url, size)
                        _say(f"{database}: {size:,} seeded in {seed_s:.1f} s, measuring")
                        rows.append((database, size, seed_s, _measured_in_child(url, args.repeats)))
    except BenchError as exc:
        _say(f"bench.usage_pages: {exc}")
        return 2
    print(_table(rows))
    print(
        f"\n$ .venv/bin/python -m bench.usage_pages --sizes {','.join(map(str, args.sizes))} "
        f"--databases {','.join(args.databases)} --repeats {args.repeats}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
