"""Top-up benchmark: one gateway worker taking distinct card top-ups (sandbox `tok_visa`)
from one signed-in payer into one number, against `{ __typename }` on the same worker.

    .venv/bin/python -m bench.top_ups --databases postgres,sqlite --seconds 10 --concurrency 16

Every request carries its own idempotency key (bench/wrk_top_up.lua), so each one is a new
payment: a PENDING payment under the payer's limit check, a sandbox charge, then the ledger
entry, the balance and the SUCCEEDED payment in one transaction. Afterwards the run is
audited: every payment is SUCCEEDED, every answered payment id is one of them, the only
payments without an answer are requests wrk abandoned in flight when it stopped, and
`kabinet ledger verify` passes.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shlex
import sys
import tempfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.databases import DATABASES, DEFAULT_POSTGRES_URL, BenchError, fresh_database
from bench.family_tree import BUSY_WARNING_PERCENT, Findings
from bench.load import LoadResult, pick_client, run_load
from bench.machine import machine_busy_percent, process_cpu_seconds
from bench.queries import TYPENAME
from bench.report import Row, close_run, environment, table, write_json
from bench.server import Gateway, running_gateway
from bench.source import source_fingerprint
from bench.statements import StatementCount
from bench.top_up_audit import audit_runs
from bench.top_up_payer import (
    CARD,
    DAILY_LIMIT,
    TopUpLoad,
    in_child,
    preflight,
    prepare_payer,
    run_top_ups,
)

RESULTS = Path(__file__).with_name("results")
TOP_UP = "top_up"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.top_ups", description=__doc__.split("\n")[0])
    parser.add_argument("--databases", default="postgres,sqlite", help="postgres and/or sqlite")
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=2, help="discarded seconds before")
    parser.add_argument("--concurrency", type=int, default=16, help="connections kept busy")
    parser.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--amount", default="10.00", help="rubles per top-up (default 10.00)")
    parser.add_argument("--target", type=float, default=300, help="top-ups/s to reach")
    parser.add_argument(
        "--ceiling",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure { __typename } on the same worker (default on)",
    )
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    args.databases = [db.strip() for db in args.databases.split(",") if db.strip()]
    for db in args.databases:
        if db not in DATABASES:
            parser.error(f"unknown database {db!r}; use {', '.join(DATABASES)}")
    amount = Decimal(args.amount)
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        parser.error("--amount must be a positive amount with at most 2 decimals")
    return args


def _measure(
    gateway: Gateway, args: argparse.Namespace, drive: Any, where: str, found: Findings
) -> tuple[Any, float, float | None]:
    """Warm-up, then the measured run; returns (result, server CPU seconds, busy before)."""
    if args.warmup > 0:
        drive(args.warmup)
    busy = machine_busy_percent()
    if busy is not None and busy > BUSY_WARNING_PERCENT:
        found.warning(f"{where}: the machine was {busy:.0f}% busy with other work before")
    cpu_before = process_cpu_seconds(gateway.pid)
    result = drive(args.seconds)
    return result, process_cpu_seconds(gateway.pid) - cpu_before, busy


def _one_database(
    database: str, args: argparse.Namespace, workdir: Path, found: Findings
) -> tuple[list[Row], dict[str, Any]]:
    secret_key = secrets.token_urlsafe(32)
    source = source_fingerprint()
    rows: list[Row] = []
    record: dict[str, Any] = {"database": database}
    with fresh_database(database, workdir, args.postgres_url) as url:
        payer, statements = in_child(prepare_payer, url, secret_key, workdir, args.amount)
        with running_gateway(url, secret_key, workdir, database) as gateway:
            preflight(gateway.base_url, payer, args.amount)
            ceiling = None
            if args.ceiling:
                where = f"typename on {database}"
                load, cpu, busy = _measure(
                    gateway,
                    args,
                    lambda seconds: run_load(
                        client="wrk",
                        base_url=gateway.base_url,
                        query=TYPENAME,
                        token="",
                        seconds=seconds,
                        concurrency=args.concurrency,
                        threads=args.wrk_threads,
                    ),
                    where,
                    found,
                )
                ceiling = load.rps
                rows.append(
                    Row(database, 1, TYPENAME.name, load, StatementCount([0], []), None, cpu,
                        busy, source)
                )  # fmt: skip
                _report_load(where, load, cpu, found)
            loads: list[TopUpLoad] = []

            def drive(seconds: float) -> TopUpLoad:
                loads.append(run_top_ups(gateway.base_url, payer, args, seconds, workdir))
                return loads[-1]

            where = f"top_up on {database}"
            top_ups, cpu, busy = _measure(gateway, args, drive, where, found)
            rows.append(
                Row(database, 1, TOP_UP, top_ups.load, statements, ceiling, cpu, busy, source)
            )
            _report_load(where, top_ups.load, cpu, found)
            record["in_flight_at_stop"] = [load.in_flight_at_stop for load in loads]
            for line in gateway.problems():
                found.gateway_record(database, line)
        checks = audit_runs(database, url, payer, loads, found)
    record["checks"] = checks.lines
    if source_fingerprint() != source:
        found.warning(f"{database}: the gateway's source changed during the run")
    if database == "postgres" and top_ups.load.rps < args.target:
        found.warning(
            f"top_up on postgres: {top_ups.load.rps:,.0f}/s is below the target of "
            f"{args.target:,.0f}/s"
        )
    return rows, record


def _report_load(where: str, load: LoadResult, cpu: float, found: Findings) -> None:
    _say(
        f"  {where:22} {load.rps:8,.0f} req/s  p50 {load.p50_ms:.2f} ms  "
        f"p99 {load.p99_ms:.2f} ms  errors {load.errors}  "
        f"server CPU {100 * cpu / load.duration_s if load.duration_s else 0:.0f}%"
    )
    if load.errors:
        found.problem(
            f"{where}: {load.errors} ERRORS ({load.bad_status} non-200, "
            f"{load.graphql_errors} with GraphQL errors or an unsucceeded payment, "
            f"{load.transport_errors} transport)"
        )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parse_args(argv)
    started = datetime.now(UTC)
    command = shlex.join([".venv/bin/python", "-m", "bench.top_ups", *argv])
    try:
        client = pick_client("wrk")
    except BenchError as exc:
        print(f"bench.top_ups: {exc}", file=sys.stderr)
        return 2
    # The gateway subprocess inherits these (bench.databases.gateway_env keeps them).
    os.environ["TOPUP_DAILY_LIMIT"] = DAILY_LIMIT
    os.environ["TOPUP_MAX_AMOUNT"] = str(max(Decimal("15000.00"), Decimal(args.amount)))
    _say(f"{command}\nload client: {client}, concurrency {args.concurrency}, "
         f"{args.warmup:g} s warm-up + {args.seconds:g} s, {args.amount} RUB per top-up "
         f"({CARD}), source {source_fingerprint()}")  # fmt: skip
    found = Findings()
    rows: list[Row] = []
    records: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="kabinet-bench-") as tmp:
        for database in args.databases:
            try:
                database_rows, record = _one_database(database, args, Path(tmp), found)
            except BenchError as exc:
                found.problem(f"{database}: FAILED: {exc}")
                continue
            rows += database_rows
            records.append(record)
    print()
    print(table(rows))
    for record in records:
        print()
        print("\n".join(record["checks"]))
    settings = {
        "benchmark": "top_ups",
        "command": command,
        "seconds": args.seconds,
        "warmup": args.warmup,
        "concurrency": args.concurrency,
        "amount": args.amount,
        "target_per_second": args.target,
        "environment": environment(client),
        "audits": records,
        "problems": found.problems,
        "warnings": found.warnings,
        "requests_abandoned_at_stop": found.abandoned_at_stop,
        "gateway_log": found.gateway_log,
    }
    print(f"\nresults: {write_json(rows, args.output_dir, started, settings)}")
    errors = sum(row.load.errors for row in rows)
    return close_run(found.warnings, found.problems, found.abandoned_at_stop, errors)


if __name__ == "__main__":
    sys.exit(main())
