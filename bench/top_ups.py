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
import asyncio
import base64
import json
import multiprocessing
import os
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from bench.databases import (
    DATABASES,
    DEFAULT_POSTGRES_URL,
    ROOT,
    BenchError,
    fresh_database,
    gateway_env,
)
from bench.family_tree import BUSY_WARNING_PERCENT, Findings
from bench.load import MARKER, LoadResult, pick_client, run_load
from bench.machine import machine_busy_percent, process_cpu_seconds
from bench.queries import TYPENAME, check_answer
from bench.report import Row, environment, table, write_json
from bench.seed import seed_family
from bench.server import Gateway, running_gateway
from bench.source import source_fingerprint
from bench.statements import StatementCount, _collecting
from gateway.config import Settings
from gateway.db import close_database, open_database

RESULTS = Path(__file__).with_name("results")
WRK_SCRIPT = Path(__file__).with_name("wrk_top_up.lua")
TOP_UP = "top_up"
DOCUMENT = "mutation($input: TopUpInput!) { topUp(input: $input) { payment { id status } } }"
CARD = "tok_visa"
# High enough that no run meets the per-payer daily limit: the limit's check is measured,
# not its refusal. Passed to the gateway through its environment (gateway/config.py).
DAILY_LIMIT = "100000000.00"


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


@dataclass(frozen=True)
class Payer:
    subscriber_id: int
    msisdn: str
    token: str
    opening: int  # the number's balance before the run, minor units


def _settings(url: str, secret_key: str, workdir: Path, amount: str) -> Settings:
    return Settings(
        database_url=url,
        secret_key=secret_key,
        sms_outbox_path=workdir / "sms-outbox.jsonl",
        topup_daily_limit=Decimal(DAILY_LIMIT),
        topup_max=max(Decimal("15000.00"), Decimal(amount)),
    )


def top_up_body(msisdn: str, key: str, amount: str) -> str:
    variables = {
        "input": {"msisdn": msisdn, "amount": amount, "idempotencyKey": key, "cardToken": CARD}
    }
    return json.dumps({"query": DOCUMENT, "variables": variables})


def _check_top_up(status: int, body: dict[str, Any]) -> int:
    """The payment id of a succeeded top-up; raises BenchError for anything else."""
    payment = ((body.get("data") or {}).get("topUp") or {}).get("payment") or {}
    if status != 200 or body.get("errors") or payment.get("status") != "SUCCEEDED":
        raise BenchError(f"top-up: HTTP {status}, answer {body}")
    return payment_pk(payment["id"])


def payment_pk(global_id: str) -> int:
    kind, _, pk = base64.b64decode(global_id).decode().partition(":")
    if kind != "Payment" or not pk.isdigit():
        raise BenchError(f"not a payment id: {global_id!r}")
    return int(pk)


async def _seed_payer(secret_key: str) -> Payer:
    """bench/seed.py's family with one number, whose balance becomes its opening ledger
    entry (so `kabinet ledger verify` holds from the start), and the owner's token."""
    from models import Balance, LedgerEntry, LedgerKind, Number

    family = await seed_family(1, secret_key)
    number = await Number.get(account__owner_id=family.owner_id)
    balance = await Balance.get(number_id=number.id)
    await LedgerEntry.create(
        number=number,
        kind=LedgerKind.ADJUSTMENT,
        amount=balance.amount,
        balance_after=balance.amount,
        idempotency_key=f"opening:{number.id}",
        reason="Opening balance",
    )
    return Payer(family.owner_id, number.msisdn, family.token, balance.amount)


async def _count_top_up_statements(
    settings: Settings, payer: Payer, amount: str, repeats: int = 3
) -> StatementCount:
    """One warm-up top-up, then `repeats` counted, each a distinct key, each checked."""
    from gateway.app import create_app
    from gateway.services import close_services

    app = create_app(settings, manage_database=False)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {payer.token}"}
    per_request: list[int] = []
    statements: list[str] = []
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            for attempt in range(repeats + 1):
                body = top_up_body(payer.msisdn, f"statements-{attempt}", amount)
                with _collecting() as sql:
                    response = await http.post("/graphql", content=body, headers=headers)
                _check_top_up(response.status_code, response.json())
                if attempt:
                    per_request.append(len(sql.statements))
                    statements = sql.statements
    finally:
        await close_services(app.state.services)
    return StatementCount(per_request, statements)


async def _prepare(
    url: str, secret_key: str, workdir: Path, amount: str
) -> tuple[Payer, StatementCount]:
    await open_database(url)
    try:
        payer = await _seed_payer(secret_key)
        count = await _count_top_up_statements(
            _settings(url, secret_key, workdir, amount), payer, amount
        )
    finally:
        await close_database()
    return payer, count


@dataclass(frozen=True)
class Audit:
    """What the database holds after the runs."""

    by_status: dict[str, int]  # payments of this payer by status
    succeeded_ids: dict[str, list[int]]  # per run prefix, SUCCEEDED payment ids
    balance: int
    top_up_entries: int
    top_up_sum: int
    succeeded_sum: int


async def _audit(url: str, payer: Payer, runs: list[str]) -> Audit:
    from tortoise.functions import Count

    from models import Balance, LedgerEntry, LedgerKind, Payment, PaymentStatus

    await open_database(url)
    try:
        mine = Payment.filter(payer_subscriber_id=payer.subscriber_id)
        # Requests wrk abandoned in flight finish on the server after it stopped: wait.
        deadline = time.monotonic() + 30
        while await mine.filter(status=PaymentStatus.PENDING).exists():
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        by_status = dict(
            await mine.group_by("status").annotate(n=Count("id")).values_list("status", "n")
        )
        succeeded = mine.filter(status=PaymentStatus.SUCCEEDED)
        ids = {
            run: await succeeded.filter(
                idempotency_key__startswith=f"s{payer.subscriber_id}:{run}-"
            ).values_list("id", flat=True)
            for run in runs
        }
        entries = await LedgerEntry.filter(
            number__msisdn=payer.msisdn, kind=LedgerKind.TOPUP
        ).values_list("amount", flat=True)
        paid = await succeeded.values_list("amount", flat=True)
        balance = (await Balance.get(number__msisdn=payer.msisdn)).amount
    finally:
        await close_database()
    return Audit(
        by_status={str(status): n for status, n in by_status.items()},
        succeeded_ids=ids,
        balance=balance,
        top_up_entries=len(entries),
        top_up_sum=sum(entries),
        succeeded_sum=sum(paid),
    )


def _in_child(function: Any, *args: Any) -> Any:
    """Runs `function(*args)` (a coroutine function) in a fresh process: tortoise caches SQL
    per model process-wide, so one process cannot talk to SQLite and then PostgreSQL."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        try:
            return pool.submit(_run_coroutine, function, *args).result()
        except BenchError:
            raise
        except Exception as exc:  # the gateway's own code failed in-process: say so, go on
            raise BenchError(f"{function.__name__} failed in-process: {exc!r}") from exc


def _run_coroutine(function: Any, *args: Any) -> Any:
    return asyncio.run(function(*args))


@dataclass(frozen=True)
class TopUpLoad:
    load: LoadResult
    run: str  # the key prefix of this run's requests
    sent: int  # requests wrk wrote
    answered_ids: list[int]  # payment ids of the 200 answers with a SUCCEEDED payment
    not_succeeded: int

    @property
    def in_flight_at_stop(self) -> int:
        return self.sent - self.load.requests


def run_top_ups(
    base_url: str, payer: Payer, args: argparse.Namespace, seconds: float, workdir: Path
) -> TopUpLoad:
    """wrk with bench/wrk_top_up.lua: `concurrency` connections, each request a new key."""
    wrk = shutil.which("wrk")
    if not wrk:
        raise BenchError("bench.top_ups needs wrk (apt-get install -y wrk): it makes the keys")
    run = f"r{secrets.token_hex(4)}"
    ids_file = workdir / f"{run}.ids"
    env = {
        **os.environ,
        "BENCH_TOKEN": payer.token,
        "BENCH_MSISDN": payer.msisdn,
        "BENCH_RUN": run,
        "BENCH_AMOUNT": args.amount,
        "BENCH_CARD": CARD,
        "BENCH_IDS_FILE": str(ids_file),
    }
    command = [
        *(wrk, f"-t{args.wrk_threads}", f"-c{args.concurrency}", f"-d{max(1, round(seconds))}s"),
        *("--timeout", "30s", "-s", str(WRK_SCRIPT), f"{base_url}/graphql"),
    ]
    result = subprocess.run(  # noqa: S603 (our own arguments)
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=seconds + 120
    )
    for line in result.stdout.splitlines():
        if line.startswith(MARKER):
            raw = json.loads(line.removeprefix(MARKER))
            sent, succeeded = raw.pop("sent"), raw.pop("succeeded")
            not_succeeded = raw.pop("not_succeeded")
            # A 200 whose payment did not succeed is a wrong answer: count it with the errors.
            raw["graphql_errors"] += not_succeeded
            ids = [payment_pk(i) for i in ids_file.read_text().split()] if succeeded else []
            if len(ids) != succeeded:
                raise BenchError(f"wrk reported {succeeded} payments but wrote {len(ids)} ids")
            return TopUpLoad(LoadResult(client="wrk", **raw), run, sent, ids, not_succeeded)
    raise BenchError(f"wrk failed ({result.returncode}): {result.stdout}{result.stderr}")


def _preflight(base_url: str, payer: Payer, amount: str) -> None:
    """One `{ __typename }` and one top-up against the real server, checked, before load."""
    response = httpx.post(
        f"{base_url}/graphql", content=TYPENAME.body, headers=TYPENAME.headers(""), timeout=30
    )
    check_answer(TYPENAME, response.status_code, response.json(), 0)
    response = httpx.post(
        f"{base_url}/graphql",
        content=top_up_body(payer.msisdn, "preflight", amount),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {payer.token}"},
        timeout=30,
    )
    _check_top_up(response.status_code, response.json())


def _ledger_verify(url: str) -> tuple[bool, str]:
    result = subprocess.run(
        [sys.executable, "-m", "gateway", "ledger", "verify"],
        env=gateway_env({"DATABASE_URL": url}),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = (result.stdout + result.stderr).strip()
    return result.returncode == 0 and " 0 mismatched" in result.stdout, output


@dataclass
class Checks:
    """The audit of one database's runs, in the JSON record."""

    lines: list[str] = field(default_factory=list)

    def check(self, passed: bool, line: str, found: Findings) -> None:
        self.lines.append(("ok   " if passed else "FAIL ") + line)
        if not passed:
            found.problem(line)


def _audit_runs(
    database: str, url: str, payer: Payer, loads: list[TopUpLoad], found: Findings
) -> Checks:
    audit = _in_child(_audit, url, payer, [load.run for load in loads])
    checks = Checks()
    where = f"top_up on {database}"
    statuses = ", ".join(f"{n} {status}" for status, n in sorted(audit.by_status.items()))
    checks.check(
        set(audit.by_status) == {"SUCCEEDED"},
        f"{where}: every payment SUCCEEDED ({statuses})",
        found,
    )
    for load in loads:
        answered, succeeded = load.answered_ids, set(audit.succeeded_ids[load.run])
        unanswered = len(succeeded - set(answered))
        checks.check(
            len(set(answered)) == len(answered) and set(answered) <= succeeded,
            f"{where} run {load.run}: the {len(answered)} payments answered SUCCEEDED are "
            "distinct and SUCCEEDED in the database",
            found,
        )
        checks.check(
            unanswered <= load.in_flight_at_stop,
            f"{where} run {load.run}: {len(succeeded)} SUCCEEDED payments = "
            f"{len(answered)} answered 200 without errors + {unanswered} of the "
            f"{load.in_flight_at_stop} requests wrk abandoned in flight when it stopped",
            found,
        )
    checks.check(
        audit.top_up_entries == audit.by_status.get("SUCCEEDED", 0)
        and audit.top_up_sum == audit.succeeded_sum
        and audit.balance == payer.opening + audit.succeeded_sum,
        f"{where}: {audit.top_up_entries} TOPUP ledger entries, one per SUCCEEDED payment; "
        f"balance {audit.balance} = opening {payer.opening} + {audit.succeeded_sum} paid",
        found,
    )
    verified, output = _ledger_verify(url)
    checks.check(verified, f"{where}: kabinet ledger verify: {output}", found)
    return checks


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
        payer, statements = _in_child(_prepare, url, secret_key, workdir, args.amount)
        with running_gateway(url, secret_key, workdir, database) as gateway:
            _preflight(gateway.base_url, payer, args.amount)
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
        checks = _audit_runs(database, url, payer, loads, found)
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
    if found.abandoned_at_stop:
        print(
            f"note: the gateway logged {found.abandoned_at_stop} ClientDisconnect tracebacks "
            "for requests the load generator abandoned when it stopped (not counted as errors)"
        )
    for line in found.warnings:
        print(f"warning: {line}", file=sys.stderr)
    errors = sum(row.load.errors for row in rows)
    if errors or found.problems:
        print(f"\n!!! {errors} failed requests, {len(found.problems)} problems:", file=sys.stderr)
        for line in found.problems:
            print(f"!!! {line}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
