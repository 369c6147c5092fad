"""Hostile-load benchmark: one gateway worker with the demo data, hostile clients sending
the worst documents the default limits allow (answered) and the worst they refuse, while a
probe sends `{ __typename }` at a steady rate and records its latency, first alone (the
baseline), then under the hostile load.

    .venv/bin/python -m bench.hostile --databases sqlite,postgres

Exits with status 1 when the probe's p99 under load is over --probe-p99-bound-ms, when a
hostile request gets an internal error or a 5xx, when a refused kind is answered or an
allowed kind refused, or when the gateway logs a problem.
"""

from __future__ import annotations

import argparse
import json
import secrets
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
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
from bench.hostile_documents import Kind, kinds, limits_totals, tokens
from bench.hostile_load import ProbeResult, probe_result, start_hostile, start_probe
from bench.hostile_report import HostileRow, Shape, table, write_json
from bench.machine import machine_busy_percent, process_cpu_seconds
from bench.report import close_run, environment
from bench.server import NO_GC, Gateway, running_gateway
from bench.source import source_fingerprint

RESULTS = Path(__file__).with_name("results")
DEMO_OWNER = ("+79990000001", "demo-password-1")
# The probe's p99 under hostile load must stay under this; --probe-p99-bound-ms overrides
# it. It was 1.6-3.1 s while the gateway cached every hostile document and its tokens made
# reference cycles for the garbage collector to walk; without those, ~0.5 s on the shared
# 2-core box (bench/README.md). 1 s leaves room for the box's swings.
PROBE_P99_BOUND_MS = 1000.0


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.hostile", description=__doc__.split("\n")[0])
    parser.add_argument("--databases", default="sqlite", help="sqlite and/or postgres")
    parser.add_argument("--baseline-seconds", type=float, default=15, help="probe alone")
    parser.add_argument("--seconds", type=int, default=30, help="hostile load (whole seconds)")
    parser.add_argument("--probe-rate", type=float, default=20, help="probe requests/s")
    parser.add_argument(
        "--connections", type=int, default=1, help="hostile connections per kind (default 1)"
    )
    parser.add_argument(
        "--max-requests", type=int, default=20_000, help="cap per hostile connection"
    )
    parser.add_argument("--kinds", default="", help="comma-separated subset (default: all)")
    parser.add_argument("--probe-p99-bound-ms", type=float, default=PROBE_P99_BOUND_MS)
    parser.add_argument(
        "--gateway-without-gc",
        action="store_true",
        help="diagnostic: run the worker with the cyclic garbage collector off",
    )
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    args.databases = [db.strip() for db in args.databases.split(",") if db.strip()]
    for db in args.databases:
        if db not in DATABASES:
            parser.error(f"unknown database {db!r}; use {', '.join(DATABASES)}")
    if args.seconds < 4:
        parser.error("--seconds must be at least 4 (the probe starts 1 s in and stops 1 s early)")
    args.kind_names = [name.strip() for name in args.kinds.split(",") if name.strip()]
    return args


def seed_demo(url: str) -> None:
    """`kabinet seed --demo`, as an operator loads the demo family."""
    result = subprocess.run(
        [sys.executable, "-m", "gateway", "seed", "--demo"],
        env=gateway_env({"DATABASE_URL": url}),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0 or "demo data loaded" not in result.stdout:
        raise BenchError(f"kabinet seed --demo failed: {result.stdout}{result.stderr}")


def _sign_in(base_url: str) -> str:
    """Once per gateway: password sign-in has lock-out rules, and one token lasts the run."""
    phone, password = DEMO_OWNER
    document = (
        f"mutation {{ signInWithPassword(phone: {json.dumps(phone)}, "
        f"password: {json.dumps(password)}) {{ accessToken }} }}"
    )
    response = httpx.post(f"{base_url}/graphql", json={"query": document}, timeout=30)
    body = response.json()
    try:
        return str(body["data"]["signInWithPassword"]["accessToken"])
    except (KeyError, TypeError) as exc:
        raise BenchError(f"the demo owner could not sign in: {response.text[:500]}") from exc


def _outcome(kind: Kind, status: int, body: dict[str, Any]) -> str | None:
    """None when the answer is what the kind must get, else what is wrong with it."""
    errors = body.get("errors") or []
    if status != 200:
        return f"HTTP {status}: {json.dumps(body)[:300]}"
    if kind.refused_by is None:
        if errors or not body.get("data"):
            return f"an allowed document was not answered: {json.dumps(errors)[:500]}"
        return None
    extensions = errors[0].get("extensions", {}) if errors else {}
    if body.get("data") is not None or extensions.get("code") != "BAD_USER_INPUT":
        return f"a document over a limit was not refused: {json.dumps(body)[:300]}"
    if extensions.get("limit") != kind.refused_by:
        return f"refused by {extensions.get('limit')}, not {kind.refused_by}"
    return None


def _preflight(base_url: str, token: str, chosen: list[Kind]) -> dict[str, Shape]:
    """One request of each kind, alone, checked: a broken document stops the run before any
    load. Returns each kind's shape, as the limits see it, and its answer's size."""
    shapes = {}
    with httpx.Client(timeout=60) as http:
        for kind in chosen:
            headers = {"Content-Type": "application/json"}
            if kind.authenticated:
                headers["Authorization"] = f"Bearer {token}"
            started = time.perf_counter()
            response = http.post(
                f"{base_url}/graphql", content=kind.body("preflight"), headers=headers
            )
            elapsed = time.perf_counter() - started
            wrong = _outcome(kind, response.status_code, response.json())
            if wrong:
                raise BenchError(f"preflight {kind.name}: {wrong}")
            text = kind.text("preflight")
            found = limits_totals(text)
            shapes[kind.name] = Shape(
                cost=None if found is None else found.cost,
                depth=None if found is None else found.depth,
                aliases=None if found is None else found.aliases,
                tokens=tokens(text),
                document_bytes=len(text.encode()),
                answer_bytes=len(response.content),
                preflight_ms=elapsed * 1e3,
            )
    return shapes


def _probe_row(
    database: str, phase: str, probe: ProbeResult, cpu_percent: float | None
) -> HostileRow:
    return HostileRow(
        database=database,
        phase=phase,
        kind="probe",
        expect="answered",
        requests=len(probe.latencies_ms),
        duration_s=probe.duration_s,
        p50_ms=probe.p50_ms,
        p99_ms=probe.p99_ms,
        max_ms=probe.max_ms,
        bad=len(probe.failures) + probe.sent - len(probe.latencies_ms),
        answer_bytes=len(b'{"data":{"__typename":"Query"}}'),
        server_cpu_percent=cpu_percent,
    )


def _hostile_row(
    database: str, kind: Kind, result: dict[str, Any], shape: Shape, cpu_percent: float
) -> HostileRow:
    bad = sum(
        int(result[key])
        for key in ("wrong", "internal", "server_5xx", "other_status", "transport_errors")
    )
    bad += int(result["timeouts"])
    answers = int(result["requests"])
    return HostileRow(
        database=database,
        phase="hostile",
        kind=kind.name,
        expect=kind.refused_by or "answered",
        requests=answers,
        duration_s=float(result["duration_s"]),
        p50_ms=float(result["p50_ms"]),
        p99_ms=float(result["p99_ms"]),
        max_ms=float(result["max_ms"]),
        bad=bad,
        answer_bytes=float(result["body_bytes"]) / answers if answers else 0.0,
        server_cpu_percent=cpu_percent,
        shape=shape,
    )


def _check_probe(where: str, probe: ProbeResult, found: Findings) -> None:
    for failure in probe.failures[:5]:
        found.problem(f"{where}: probe failed: {failure}")
    if len(probe.failures) > 5:
        found.problem(f"{where}: ... {len(probe.failures) - 5} more probe failures")
    if probe.max_late_ms > 50:
        found.warning(f"{where}: the probe ran up to {probe.max_late_ms:.0f} ms behind schedule")


def _hostile_phase(
    gateway: Gateway,
    token: str,
    chosen: list[Kind],
    shapes: dict[str, Shape],
    args: argparse.Namespace,
    workdir: Path,
) -> tuple[list[HostileRow], ProbeResult, dict[str, Any]]:
    url = f"{gateway.base_url}/graphql"
    tag = secrets.token_hex(3)  # fresh texts on every run: no cache hit from an earlier one
    cpu_before = process_cpu_seconds(gateway.pid)
    started = time.perf_counter()
    clients = [
        start_hostile(
            kind, url, token, args.seconds, args.connections, args.max_requests, tag, workdir
        )
        for kind in chosen
    ]
    # The probe measures the middle of the load: wrk connects during the first second.
    time.sleep(1)
    probe_seconds = args.seconds - 2
    probe = probe_result(start_probe(url, args.probe_rate, probe_seconds), probe_seconds)
    results = {client.kind.name: client.result() for client in clients}
    elapsed = time.perf_counter() - started
    cpu = 100 * (process_cpu_seconds(gateway.pid) - cpu_before) / elapsed
    rows = [
        _hostile_row(gateway.database, kind, results[kind.name], shapes[kind.name], cpu)
        for kind in chosen
    ]
    return rows, probe, results


def _one_database(
    database: str, args: argparse.Namespace, workdir: Path, found: Findings
) -> tuple[list[HostileRow], dict[str, Any]]:
    chosen = [k for k in kinds() if not args.kind_names or k.name in args.kind_names]
    secret_key = secrets.token_urlsafe(32)
    source = source_fingerprint()
    with fresh_database(database, workdir, args.postgres_url) as url:
        seed_demo(url)
        launch = NO_GC if args.gateway_without_gc else None
        with running_gateway(
            url, secret_key, workdir, database, interpreter_args=launch
        ) as gateway:
            token = _sign_in(gateway.base_url)
            shapes = _preflight(gateway.base_url, token, chosen)
            for kind in chosen:
                shape = shapes[kind.name]
                _say(
                    f"  {database:8} preflight {kind.name:15} "
                    f"{kind.refused_by or 'answered':27} cost {shape.cost or '-':>5} "
                    f"tokens {shape.tokens:5} document {shape.document_bytes:7,} B  "
                    f"answer {shape.answer_bytes:7,} B  {shape.preflight_ms:7.1f} ms"
                )
            busy = machine_busy_percent()
            if busy is not None and busy > BUSY_WARNING_PERCENT:
                found.warning(f"{database}: the machine was {busy:.0f}% busy with other work")
            url_graphql = f"{gateway.base_url}/graphql"
            cpu_before = process_cpu_seconds(gateway.pid)
            baseline = probe_result(
                start_probe(url_graphql, args.probe_rate, args.baseline_seconds),
                args.baseline_seconds,
            )
            cpu = 100 * (process_cpu_seconds(gateway.pid) - cpu_before) / baseline.duration_s
            rows = [_probe_row(database, "baseline", baseline, cpu)]
            _check_probe(f"{database} baseline", baseline, found)
            _say(f"  {database:8} baseline  probe p50 {baseline.p50_ms:.1f} ms  "
                 f"p99 {baseline.p99_ms:.1f} ms  max {baseline.max_ms:.1f} ms")  # fmt: skip
            hostile_rows, probe, raw = _hostile_phase(gateway, token, chosen, shapes, args, workdir)
            rows.append(_probe_row(database, "hostile", probe, hostile_rows[0].server_cpu_percent))
            rows += hostile_rows
            _check_probe(f"{database} hostile", probe, found)
            _say(f"  {database:8} hostile   probe p50 {probe.p50_ms:.1f} ms  "
                 f"p99 {probe.p99_ms:.1f} ms  max {probe.max_ms:.1f} ms")  # fmt: skip
            for row in hostile_rows:
                if row.bad:
                    found.problem(f"{database} {row.kind}: {row.bad} bad answers {raw[row.kind]}")
                shed = int(raw[row.kind].get("shed", 0))
                if shed:
                    # Not a failure: under the load each of its awaits waits a turn of the
                    # event loop behind the other kinds' synchronous work, and the request
                    # deadline (REQUEST_TIMEOUT) cancels it: 503 TIMEOUT, load shed.
                    found.warning(f"{database} {row.kind}: {shed} shed by the request deadline")
                if row.requests == 0:
                    # Not a failure either: the preflight showed it answered.
                    found.warning(f"{database} {row.kind}: no answer within the run (starved)")
            if probe.p99_ms > args.probe_p99_bound_ms:
                found.problem(
                    f"{database}: the probe's p99 under hostile load, {probe.p99_ms:.1f} ms, "
                    f"is over the bound of {args.probe_p99_bound_ms:g} ms"
                )
            for record in gateway.problems():
                if "REQUEST_TIMEOUT" in record:
                    continue  # the deadline shedding load, counted as `shed` above
                found.gateway_record(database, record)
    if source_fingerprint() != source:
        found.warning(f"{database}: the gateway's source changed during the run")
    record = {
        "database": database,
        "source": source,
        "machine_busy_before_percent": busy,
        "baseline_probe_latencies_ms": baseline.latencies_ms,
        "hostile_probe_latencies_ms": probe.latencies_ms,
        "probe_max_late_ms": {"baseline": baseline.max_late_ms, "hostile": probe.max_late_ms},
        "wrk": raw,
    }
    return rows, record


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parse_args(argv)
    started = datetime.now(UTC)
    command = shlex.join([".venv/bin/python", "-m", "bench.hostile", *argv])
    _say(f"{command}\nprobe {args.probe_rate:g}/s: {args.baseline_seconds:g} s alone, then "
         f"{args.seconds} s of hostile load ({args.connections} connection(s) per kind); "
         f"bound p99 {args.probe_p99_bound_ms:g} ms; source {source_fingerprint()}")  # fmt: skip
    found = Findings()
    rows: list[HostileRow] = []
    records = []
    with tempfile.TemporaryDirectory(prefix="kabinet-hostile-") as tmp:
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
    print(f"\nbound: the probe's p99 under hostile load stays under {args.probe_p99_bound_ms:g} ms")
    record = {
        "benchmark": "hostile",
        "started_at": started.isoformat(),
        "command": command,
        "baseline_seconds": args.baseline_seconds,
        "seconds": args.seconds,
        "probe_rate": args.probe_rate,
        "connections_per_kind": args.connections,
        "probe_p99_bound_ms": args.probe_p99_bound_ms,
        "gateway_without_gc": args.gateway_without_gc,
        "environment": environment("wrk"),
        "kinds": {k.name: {"about": k.about, "document": k.document[:4000]} for k in kinds()},
        "rows": [row.as_dict() for row in rows],
        "databases": records,
        "problems": found.problems,
        "warnings": found.warnings,
        "requests_abandoned_at_stop": found.abandoned_at_stop,
        "gateway_log": found.gateway_log,
    }
    print(f"results: {write_json(args.output_dir, started, record)}")
    return close_run(found.warnings, found.problems, found.abandoned_at_stop, 0)


if __name__ == "__main__":
    sys.exit(main())
