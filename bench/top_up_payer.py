"""The top-up benchmark's payer and what is sent as it: the seeded payer (bench/seed.py's
family with one number and an opening ledger entry), the body and checked answer of one
top-up, the SQL statements per top-up counted in-process (bench/statements.py), the checked
pre-flight, and the wrk run of distinct top-ups (bench/wrk_top_up.lua)."""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import multiprocessing
import os
import secrets
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from bench.databases import ROOT, BenchError
from bench.load import MARKER, LoadResult
from bench.queries import TYPENAME, check_answer
from bench.seed import seed_family
from bench.statements import StatementCount, _collecting
from gateway.config import Settings
from gateway.db import close_database, open_database

WRK_SCRIPT = Path(__file__).with_name("wrk_top_up.lua")
DOCUMENT = "mutation($input: TopUpInput!) { topUp(input: $input) { payment { id status } } }"
CARD = "tok_visa"
# High enough that no run meets the per-payer daily limit: the limit's check is measured,
# not its refusal. Passed to the gateway through its environment (gateway/config.py).
DAILY_LIMIT = "100000000.00"


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


def check_top_up(status: int, body: dict[str, Any]) -> int:
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
                check_top_up(response.status_code, response.json())
                if attempt:
                    per_request.append(len(sql.statements))
                    statements = sql.statements
    finally:
        await close_services(app.state.services)
    return StatementCount(per_request, statements)


async def prepare_payer(
    url: str, secret_key: str, workdir: Path, amount: str
) -> tuple[Payer, StatementCount]:
    """The seeded payer and its statement count; run it through `in_child`."""
    await open_database(url)
    try:
        payer = await _seed_payer(secret_key)
        count = await _count_top_up_statements(
            _settings(url, secret_key, workdir, amount), payer, amount
        )
    finally:
        await close_database()
    return payer, count


def in_child(function: Any, *args: Any) -> Any:
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


def preflight(base_url: str, payer: Payer, amount: str) -> None:
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
    check_top_up(response.status_code, response.json())
