"""Kabinet against PostGraphile 4 on the same family tree, side by side: one uvicorn worker
and one Node process, each on its own copy of the same database, measured in interleaved
rounds by wrk.

    .venv/bin/python -m bench.postgraphile --sizes 12,500 --rounds 5 \
        --postgres-url postgres://postgres@127.0.0.1:5432/kabinet_speed
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shlex
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from bench.databases import DEFAULT_POSTGRES_URL, BenchError, fresh_database
from bench.family_tree import prepare
from bench.load import pick_client, run_load
from bench.machine import process_cpu_seconds
from bench.postgraphile_server import (
    install,
    mirrored_database,
    running_postgraphile,
)
from bench.queries import FAMILY_TREE, TYPENAME, Query, WrongAnswer, check_answer
from bench.server import running_gateway
from bench.source import source_fingerprint

RESULTS = Path(__file__).with_name("results")

# PostGraphile's nearest equal of bench/queries.py's tree: the owner's top accounts, their
# numbers with balance, tariff, autopay rule and card, the latest trust payment, the first
# page of three payments with its pageInfo; the child accounts' numbers with balance; and
# every number once more (Kabinet's viewer.numbers). What it cannot have: access levels
# (PostGraphile checks no access), allowances (computed by Kabinet from usage).
POSTGRAPHILE_TREE_DOCUMENT = (
    "query Tree($owner: Int!) { subscriberById(id: $owner) {"
    " accountsByOwnerId(condition: {parentId: null}) { nodes {"
    " numbersByAccountId { nodes { msisdn balanceByNumberId { amount }"
    " tariffByTariffId { name }"
    " autopayRuleByNumberId { kind amount paymentCardByCardId { last4 } }"
    " trustPaymentsByNumberId(orderBy: ID_DESC, first: 1) { nodes { amount fee status } }"
    " paymentsByNumberId(first: 3, orderBy: [CREATED_AT_DESC, ID_DESC]) {"
    " nodes { id amount createdAt } pageInfo { hasNextPage endCursor } } } }"
    " accountsByParentId { nodes { numbersByAccountId { nodes { msisdn"
    " balanceByNumberId { amount } } } } } } } }"
    " allNumbers { nodes { msisdn } } }"
)


@dataclass(frozen=True)
class _PostGraphileQuery(Query):
    owner_id: int = 0

    @property
    def body(self) -> str:
        if self.document == TYPENAME.document:
            return json.dumps({"query": self.document})
        return json.dumps({"query": self.document, "variables": {"owner": self.owner_id}})


def _check_postgraphile(query: Query, status: int, body: dict[str, Any], numbers: int) -> None:
    if status != 200 or body.get("errors"):
        raise WrongAnswer(f"PostGraphile {query.name}: HTTP {status}, {body.get('errors')}")
    data = body["data"]
    if query.name == TYPENAME.name:
        return
    accounts = data["subscriberById"]["accountsByOwnerId"]["nodes"]
    in_tree = sum(len(a["numbersByAccountId"]["nodes"]) for a in accounts)
    in_tree += sum(
        len(c["numbersByAccountId"]["nodes"])
        for a in accounts
        for c in a["accountsByParentId"]["nodes"]
    )
    if in_tree != numbers or len(data["allNumbers"]["nodes"]) != numbers:
        raise WrongAnswer(f"PostGraphile tree: {in_tree} numbers, expected {numbers}")


@dataclass
class Sample:
    rps: float
    cpu_ms: float  # server CPU (user + system, /proc) per answered request
    p50_ms: float
    errors: int
    load_average: float


@dataclass
class Cell:
    """One (size, query): every round's sample of each server."""

    numbers: int
    query: str
    sql: dict[str, int] = field(default_factory=dict)
    samples: dict[str, list[Sample]] = field(
        default_factory=lambda: {"kabinet": [], "postgraphile": []}
    )
    bytes: dict[str, int] = field(default_factory=dict)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _post(base_url: str, query: Query, token: str) -> tuple[int, dict[str, Any], int]:
    response = httpx.post(
        f"{base_url}/graphql", content=query.body, headers=query.headers(token), timeout=60
    )
    return response.status_code, json.loads(response.text), len(response.content)


# One line per statement PostGraphile sends: `postgraphile:postgres <sql>` (debug module).
_STATEMENT = re.compile(r"^\S*\s*postgraphile:postgres ", re.MULTILINE)


def _postgraphile_statements(url: str, schema: str, workdir: Path, query: Query) -> int:
    """Statements one warm request sends, from a separate instance logging them."""
    with running_postgraphile(url, schema, workdir, debug_sql=True) as server:
        _post(server.base_url, query, "")
        before = len(_STATEMENT.findall(server.log_path.read_text()))
        for _ in range(3):
            _post(server.base_url, query, "")
        after = len(_STATEMENT.findall(server.log_path.read_text()))
    return round((after - before) / 3)


def _sample(base_url: str, pid: int, query: Query, token: str, args: argparse.Namespace) -> Sample:
    run = dict(client=args.client, base_url=base_url, query=query, token=token)
    run_load(**run, seconds=args.warmup, concurrency=args.concurrency)  # type: ignore[arg-type]
    cpu_before = process_cpu_seconds(pid)
    load = run_load(**run, seconds=args.seconds, concurrency=args.concurrency)  # type: ignore[arg-type]
    cpu = process_cpu_seconds(pid) - cpu_before
    return Sample(
        rps=load.rps,
        cpu_ms=1000 * cpu / load.requests if load.requests else 0.0,
        p50_ms=load.p50_ms,
        errors=load.errors,
        load_average=os.getloadavg()[0],
    )


def _one_size(numbers: int, args: argparse.Namespace, workdir: Path) -> list[Cell]:
    secret_key = secrets.token_urlsafe(32)
    with fresh_database("postgres", workdir, args.postgres_url) as url:
        schema = parse_qs(urlsplit(url).query)["schema"][0]
        family, counts = prepare(url, numbers, secret_key, workdir)
        queries = {
            TYPENAME.name: (TYPENAME, _PostGraphileQuery("typename", TYPENAME.document, False)),
            FAMILY_TREE.name: (
                FAMILY_TREE,
                _PostGraphileQuery(
                    "family_tree", POSTGRAPHILE_TREE_DOCUMENT, False, family.owner_id
                ),
            ),
        }
        cells = {name: Cell(numbers, name) for name in queries}
        with mirrored_database(args.postgres_url, schema) as mirror_url:
            for name, (ours, theirs) in queries.items():
                cells[name].sql = {
                    "kabinet": len(counts[ours.name].statements),
                    "postgraphile": _postgraphile_statements(mirror_url, schema, workdir, theirs),
                }
            with (
                # 16 trees of 500 numbers in flight on a busy machine can wait past the
                # 5 s deadline (503): this measures throughput, not the deadline.
                running_gateway(
                    url, secret_key, workdir, "postgres", settings={"REQUEST_TIMEOUT": "120"}
                ) as gateway,
                running_postgraphile(mirror_url, schema, workdir) as postgraphile,
            ):
                servers = {
                    "kabinet": (gateway.base_url, gateway.pid, 0),
                    "postgraphile": (postgraphile.base_url, postgraphile.pid, 1),
                }
                for name, pair in queries.items():  # checked answers before any load
                    for server, (base_url, _pid, which) in servers.items():
                        status, body, size = _post(base_url, pair[which], family.token)
                        check = check_answer if which == 0 else _check_postgraphile
                        check(pair[which], status, body, numbers)
                        cells[name].bytes[server] = size
                for round_number in range(args.rounds):
                    # Who goes first alternates: a neighbour's burst hits both alike.
                    order = list(servers) if round_number % 2 == 0 else list(servers)[::-1]
                    for name, pair in queries.items():
                        for server in order:
                            base_url, pid, which = servers[server]
                            sample = _sample(base_url, pid, pair[which], family.token, args)
                            cells[name].samples[server].append(sample)
                            _say(
                                f"  N={numbers:<4} round {round_number + 1} {name:12} "
                                f"{server:12} {sample.rps:8,.0f} req/s "
                                f"{sample.cpu_ms:7.3f} ms CPU/req  errors {sample.errors}  "
                                f"load {sample.load_average:.1f}"
                            )
                for record in gateway.problems():
                    if not record.rstrip().endswith("ClientDisconnect"):
                        _say(f"warning: gateway log: {record.splitlines()[0]}")
    return list(cells.values())


def _spread(values: list[float], digits: int) -> str:
    median = statistics.median(values)
    return f"{median:,.{digits}f} ({min(values):,.{digits}f}–{max(values):,.{digits}f})"


def table(cells: list[Cell]) -> str:
    """Medians over the rounds with (lowest–highest) beside them."""
    head = (
        f"{'N':>4}  {'query':12} {'Kabinet req/s':>22} {'PostGraphile req/s':>22} "
        f"{'ratio':>18} {'CPU ms/req Kabinet':>22} {'PostGraphile':>22} {'SQL/req':>8} "
        f"{'bytes':>14} {'load avg':>10}"
    )
    lines = [head]
    for cell in cells:
        ours, theirs = cell.samples["kabinet"], cell.samples["postgraphile"]
        ratios = [a.rps / b.rps for a, b in zip(ours, theirs, strict=True) if b.rps]
        loads = [s.load_average for s in ours + theirs]
        lines.append(
            f"{cell.numbers:>4}  {cell.query:12} {_spread([s.rps for s in ours], 0):>22} "
            f"{_spread([s.rps for s in theirs], 0):>22} {_spread(ratios, 2):>18} "
            f"{_spread([s.cpu_ms for s in ours], 3):>22} "
            f"{_spread([s.cpu_ms for s in theirs], 3):>22} "
            f"{cell.sql['kabinet']:>3} / {cell.sql['postgraphile']:<2} "
            f"{cell.bytes['kabinet']:>6}/{cell.bytes['postgraphile']:<7} "
            f"{min(loads):.1f}–{max(loads):.1f}"
        )
    trees = sorted((c for c in cells if c.query == FAMILY_TREE.name), key=lambda c: c.numbers)
    if len(trees) >= 2:
        small, large = trees[0], trees[-1]
        extra = large.numbers - small.numbers
        for server in ("kabinet", "postgraphile"):
            cost = statistics.median(s.cpu_ms for s in large.samples[server])
            cost -= statistics.median(s.cpu_ms for s in small.samples[server])
            lines.append(f"marginal CPU per number, {server}: {1000 * cost / extra:.1f} µs")
    return "\n".join(lines)


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.postgraphile", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="12,500")
    parser.add_argument("--seconds", type=float, default=5, help="measured seconds per sample")
    parser.add_argument("--warmup", type=float, default=1, help="discarded seconds before")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--client", choices=("auto", "wrk", "httpx"), default="wrk")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    args.sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    args.client = pick_client(args.client)
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parse_args(argv)
    command = shlex.join([".venv/bin/python", "-m", "bench.postgraphile", *argv])
    started = datetime.now(UTC)
    version = install()
    _say(f"{command}\nPostGraphile {version}, source {source_fingerprint()}, "
         f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
    cells: list[Cell] = []
    with tempfile.TemporaryDirectory(prefix="kabinet-pgbench-") as tmp:
        for numbers in args.sizes:
            cells += _one_size(numbers, args, Path(tmp))
    print(table(cells))
    args.output_dir.mkdir(parents=True, exist_ok=True)
    out = args.output_dir / f"postgraphile-{started:%Y%m%dT%H%M%SZ}.json"
    record = {
        "command": command,
        "postgraphile": version,
        "source": source_fingerprint(),
        "cpus": os.cpu_count(),
        "cells": [
            {
                **cell.__dict__,
                "samples": {k: [s.__dict__ for s in v] for k, v in cell.samples.items()},
            }
            for cell in cells
        ],
    }
    out.write_text(json.dumps(record, indent=1))
    print(f"\nresults: {out}")
    errors = sum(s.errors for c in cells for v in c.samples.values() for s in v)
    return 1 if errors else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (BenchError, WrongAnswer) as exc:
        print(f"!!! {exc}", file=sys.stderr)
        sys.exit(1)
