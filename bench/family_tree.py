"""Family-tree benchmark: one gateway worker serving a signed-in owner's family tree of N
numbers, against `{ __typename }` on the same worker (the ceiling of the stack).

    .venv/bin/python -m bench.family_tree --sizes 12,500 --databases sqlite,postgres \
        --seconds 10 --concurrency 16
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import secrets
import shlex
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import httpx

from bench.databases import DATABASES, DEFAULT_POSTGRES_URL, BenchError, fresh_database
from bench.load import pick_client, run_load
from bench.machine import machine_busy_percent, process_cpu_seconds
from bench.queries import FAMILY_TREE, QUERIES, TYPENAME, Query, WrongAnswer, check_answer
from bench.report import Row, close_run, environment, table, write_json
from bench.seed import Family, seed_family
from bench.server import Gateway, running_gateway
from bench.source import source_fingerprint
from bench.statements import StatementCount, count_statements
from gateway.config import Settings
from gateway.db import close_database, open_database

RESULTS = Path(__file__).with_name("results")
BUSY_WARNING_PERCENT = 25.0  # half a core of a 2-core machine busy with someone else's work


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.family_tree", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="12,500", help="numbers in the tree (default 12,500)")
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite and/or postgres")
    parser.add_argument(
        "--seconds", type=float, default=6, help="measured seconds per query and round"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of (ceiling, tree) on the same gateway; the median round is reported",
    )
    parser.add_argument("--warmup", type=float, default=2, help="discarded seconds before")
    parser.add_argument("--concurrency", type=int, default=16, help="connections kept busy")
    parser.add_argument("--client", choices=("auto", "wrk", "httpx"), default="auto")
    parser.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    args.sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    args.databases = [db.strip() for db in args.databases.split(",") if db.strip()]
    for db in args.databases:
        if db not in DATABASES:
            parser.error(f"unknown database {db!r}; use {', '.join(DATABASES)}")
    return args


async def _prepare(
    url: str, numbers: int, secret_key: str, workdir: Path
) -> tuple[Family, dict[str, StatementCount]]:
    await open_database(url)
    try:
        family = await seed_family(numbers, secret_key)
        settings = Settings(
            database_url=url, secret_key=secret_key, sms_outbox_path=workdir / "sms-outbox.jsonl"
        )
        counts = {
            q.name: await count_statements(settings, q, family.token, numbers) for q in QUERIES
        }
    finally:
        await close_database()
    return family, counts


def _prepare_in_child(
    url: str, numbers: int, secret_key: str, workdir: Path
) -> tuple[Family, dict[str, StatementCount]]:
    return asyncio.run(_prepare(url, numbers, secret_key, workdir))


def prepare(
    url: str, numbers: int, secret_key: str, workdir: Path
) -> tuple[Family, dict[str, StatementCount]]:
    """Seeds the tree, mints the token and counts statements per request, in a fresh process:
    tortoise caches SQL per model process-wide, so one process cannot serve SQLite and then
    PostgreSQL."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        try:
            return pool.submit(_prepare_in_child, url, numbers, secret_key, workdir).result()
        except (BenchError, WrongAnswer):
            raise
        except Exception as exc:  # the gateway's own code failed in-process: say so, go on
            raise BenchError(f"seeding or an in-process request failed: {exc!r}") from exc


def _preflight(base_url: str, family: Family) -> None:
    """One request of each query against the real server, checked, before any load."""
    for query in QUERIES:
        response = httpx.post(
            f"{base_url}/graphql",
            content=query.body,
            headers=query.headers(family.token),
            timeout=30,
        )
        check_answer(query, response.status_code, json.loads(response.text), family.numbers)


def _measure(
    gateway: Gateway, query: Query, family: Family, args: argparse.Namespace, client: str
) -> tuple[Row, list[str], list[str]]:
    """Warm-up, then the measured run; returns the row, errors and warnings."""
    busy = machine_busy_percent()
    drive = partial(
        run_load,
        client=client,
        base_url=gateway.base_url,
        query=query,
        token=family.token,
        concurrency=args.concurrency,
        threads=args.wrk_threads,
    )
    if args.warmup > 0:
        drive(seconds=args.warmup)
    cpu_before = process_cpu_seconds(gateway.pid)
    load = drive(seconds=args.seconds)
    cpu = process_cpu_seconds(gateway.pid) - cpu_before
    where = f"{query.name} on {gateway.database} N={family.numbers}"
    errors: list[str] = []
    warnings: list[str] = []
    if load.errors:
        errors.append(
            f"{where}: {load.errors} ERRORS ({load.bad_status} non-200, "
            f"{load.graphql_errors} with GraphQL errors, {load.transport_errors} transport)"
        )
    if busy is not None and busy > BUSY_WARNING_PERCENT:
        warnings.append(f"{where}: the machine was {busy:.0f}% busy with other work before")
    row = Row(
        database=gateway.database,
        numbers=family.numbers,
        query=query.name,
        load=load,
        statements=StatementCount([], []),  # these three are filled in by the caller
        ceiling_rps=None,
        source="",
        server_cpu_s=cpu,
        busy_before=busy,
    )
    return row, errors, warnings


@dataclass
class Findings:
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # errors: the run exits with 1
    warnings: list[str] = field(default_factory=list)  # doubts about the numbers
    gateway_log: list[str] = field(default_factory=list)  # whole records, for the JSON
    # Requests wrk abandons when it stops (up to `concurrency` per run) that the gateway had
    # not read yet: logged as ClientDisconnect tracebacks. Expected; counted, not errors.
    abandoned_at_stop: int = 0

    def problem(self, line: str) -> None:
        self.problems.append(line)
        _say(f"!!! {line}")

    def warning(self, line: str) -> None:
        self.warnings.append(line)
        _say(f"warning: {line}")

    def gateway_record(self, where: str, record: str) -> None:
        lines = record.splitlines()
        if lines[-1].strip() == "starlette.requests.ClientDisconnect":
            self.abandoned_at_stop += 1
            return
        self.gateway_log.append(f"{where}:\n{record}")
        summary = lines[0] if len(lines) == 1 else f"{lines[0]} ... {lines[-1]}"
        self.problem(f"{where} gateway log: {summary}")


def _one_configuration(
    database: str,
    numbers: int,
    args: argparse.Namespace,
    client: str,
    workdir: Path,
    found: Findings,
) -> None:
    secret_key = secrets.token_urlsafe(32)
    rounds: list[dict[str, Row]] = []
    measured: dict[str, Row]
    source = source_fingerprint()
    with fresh_database(database, workdir, args.postgres_url) as url:
        family, counts = prepare(url, numbers, secret_key, workdir)
        with running_gateway(url, secret_key, workdir, database) as gateway:
            _preflight(gateway.base_url, family)
            for number in range(1, args.rounds + 1):
                measured = {}
                for query in QUERIES:
                    row, errors, warnings = _measure(gateway, query, family, args, client)
                    measured[query.name] = row
                    load = row.load
                    _say(
                        f"  {database:8} N={numbers:<5} round {number} {query.name:12} "
                        f"{load.rps:8,.0f} req/s  p50 {load.p50_ms:.2f} ms  "
                        f"p99 {load.p99_ms:.2f} ms  errors {load.errors}  "
                        f"server CPU {row.server_cpu_percent:.0f}%"
                    )
                    for line in errors:
                        found.problem(line)
                    for line in warnings:
                        found.warning(line)
                rounds.append(measured)
            for record in gateway.problems():
                found.gateway_record(f"{database} N={numbers}", record)
    if source_fingerprint() != source:
        found.warning(f"{database} N={numbers}: the gateway's source changed during the run")
    found.rows += _median_round(rounds, counts, source)


def _median_round(
    rounds: list[dict[str, Row]], counts: dict[str, StatementCount], source: str
) -> list[Row]:
    """The round whose tree-to-ceiling ratio is the median, each of its rows carrying every
    round's ratio. This machine is shared: its speed drifts by tens of percent over minutes,
    so ceiling and tree are measured back to back, several times, and one slow or fast
    moment does not decide the result."""

    def ratio(measured: dict[str, Row]) -> float:
        ceiling = measured[TYPENAME.name].load.rps
        return measured[FAMILY_TREE.name].load.rps / ceiling if ceiling else 0.0

    ordered = sorted(rounds, key=ratio)
    median = ordered[(len(ordered) - 1) // 2]
    percents = [round(100 * ratio(measured), 1) for measured in rounds]
    ceiling = median[TYPENAME.name].load.rps
    return [
        replace(
            median[q.name],
            statements=counts[q.name],
            ceiling_rps=None if q is TYPENAME else ceiling,
            source=source,
            round_percents=[] if q is TYPENAME else percents,
        )
        for q in QUERIES
    ]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parse_args(argv)
    started = datetime.now(UTC)
    command = shlex.join([".venv/bin/python", "-m", "bench.family_tree", *argv])
    client = pick_client(args.client)
    _say(f"{command}\nload client: {client}, concurrency {args.concurrency}, "
         f"{args.warmup:g} s warm-up + {args.seconds:g} s per query, {args.rounds} rounds, "
         f"source {source_fingerprint()}")  # fmt: skip
    found = Findings()
    with tempfile.TemporaryDirectory(prefix="kabinet-bench-") as tmp:
        for database in args.databases:
            for numbers in args.sizes:
                try:
                    _one_configuration(database, numbers, args, client, Path(tmp), found)
                except (BenchError, WrongAnswer) as exc:
                    found.problem(f"{database} N={numbers}: FAILED: {exc}")
    print()
    print(table(found.rows))
    if len({row.source for row in found.rows}) > 1:
        found.warning("rows were measured on different versions of the source (see `source`)")
    settings = {
        "command": command,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "warmup": args.warmup,
        "concurrency": args.concurrency,
        "environment": environment(client),
        "problems": found.problems,
        "warnings": found.warnings,
        "requests_abandoned_at_stop": found.abandoned_at_stop,
        "gateway_log": found.gateway_log,
    }
    print(f"\nresults: {write_json(found.rows, args.output_dir, started, settings)}")
    errors = sum(row.load.errors for row in found.rows)
    return close_run(found.warnings, found.problems, found.abandoned_at_stop, errors)


if __name__ == "__main__":
    sys.exit(main())
