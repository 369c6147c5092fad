"""A gateway worker killed (SIGKILL, no shutdown) in the middle of a batch of top-ups: the
ledger still verifies, payments the crash left PENDING never credited, and replaying the
batch's keys on a fresh worker credits nothing twice."""

import asyncio
import signal
import sqlite3
from decimal import Decimal
from typing import Any

import httpx
import pytest
from tortoise import connections

from tests.support.database import is_postgres_url
from tests.support.processes import killable_gateway_process, run_kabinet, shared_store_env

SIGN_IN = """
mutation($p: String!, $w: String!) { signInWithPassword(phone: $p, password: $w) { accessToken } }
"""
TOP_UP = """
mutation($input: TopUpInput!) { topUp(input: $input) { payment { id status failureCode } } }
"""
PHONE = "+79990000001"  # the demo family's owner, topping up her own number
PASSWORD = "demo-password-1"
BATCH = 160
CONCURRENCY = 16
AMOUNT = "100.00"


@pytest.fixture
def store(database_url, tmp_path) -> dict[str, str]:
    """The gateway's environment: the suite's database when it is PostgreSQL, otherwise a
    migrated SQLite file; limits high enough that the batch never meets them."""
    env = shared_store_env(database_url, tmp_path, "crash")
    env["TOPUP_DAILY_LIMIT"] = "10000000.00"
    seeded = run_kabinet("seed", "--demo", env=env)
    assert "demo data loaded" in seeded.stdout, seeded.stdout + seeded.stderr
    return env


async def rows(env: dict[str, str], sql: str) -> list[dict[str, Any]]:
    """Reads the gateway's database: the suite's own connection on PostgreSQL (same schema),
    the SQLite file directly otherwise."""
    if is_postgres_url(env["DATABASE_URL"]):
        return await connections.get("default").execute_query_dict(sql)
    path = env["DATABASE_URL"].removeprefix("sqlite://")
    with sqlite3.connect(path, timeout=5) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(sql)]


PAYMENTS = f"""
SELECT p.id, p.idempotency_key, p.status, p.amount, p.ledger_entry_id
FROM payments p JOIN numbers n ON n.id = p.number_id
WHERE n.msisdn = '{PHONE}' AND p.idempotency_key LIKE '%:crash-%'
"""
BALANCE = f"SELECT b.amount FROM balances b JOIN numbers n ON n.id = b.number_id WHERE n.msisdn = '{PHONE}'"  # noqa: E501
TOP_UP_ENTRIES = f"""
SELECT e.id, e.amount, e.idempotency_key FROM ledger_entries e
JOIN numbers n ON n.id = e.number_id
WHERE n.msisdn = '{PHONE}' AND e.kind = 'TOPUP' AND e.idempotency_key LIKE 'payment:%'
"""


async def entries_of(env: dict[str, str], payments: dict[str, dict]) -> list[dict[str, Any]]:
    """The TOPUP ledger entries written for these payments (the demo has entries of its own)."""
    keys = {f"payment:{p['id']}" for p in payments.values()}
    return [e for e in await rows(env, TOP_UP_ENTRIES) if e["idempotency_key"] in keys]


def card_for(i: int) -> str:
    # The sandbox's timeout card holds its payment PENDING for a moment: the kill lands there.
    return "tok_timeout" if i % 4 == 0 else "tok_visa"


def variables(key: str, i: int) -> dict:
    return {
        "input": {
            "msisdn": PHONE,
            "amount": AMOUNT,
            "idempotencyKey": key,
            "cardToken": card_for(i),
        }
    }


async def sign_in(http: httpx.AsyncClient) -> str:
    response = await http.post(
        "/graphql", json={"query": SIGN_IN, "variables": {"p": PHONE, "w": PASSWORD}}
    )
    return response.json()["data"]["signInWithPassword"]["accessToken"]


async def send_batch(http: httpx.AsyncClient, token: str, keys: list[str]) -> dict[str, Any]:
    """Top-ups with `CONCURRENCY` in flight; per key its JSON answer, or the exception when
    the connection died under it. A worker whose connection died sends nothing more, so keys
    never sent are missing."""
    answers: dict[str, Any] = {}
    queue = list(enumerate(keys))

    async def worker() -> None:
        while queue:
            i, key = queue.pop(0)
            try:
                response = await http.post(
                    "/graphql",
                    json={"query": TOP_UP, "variables": variables(key, i)},
                    headers={"Authorization": f"Bearer {token}"},
                )
                answers[key] = response.json()
            except httpx.TransportError as exc:
                answers[key] = exc
                return

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return answers


def minor(amount: str) -> int:
    return int(Decimal(amount) * 100)


async def test_worker_killed_mid_batch_leaves_a_ledger_that_verifies(store):
    env = store
    opening = (await rows(env, BALANCE))[0]["amount"]
    keys = [f"crash-{i}" for i in range(BATCH)]

    with killable_gateway_process(env) as gateway:
        async with httpx.AsyncClient(base_url=gateway.base_url, timeout=30) as http:
            token = await sign_in(http)
            batch = asyncio.create_task(send_batch(http, token, keys))
            # Wait until some answers are back and a payment is caught half-way (PENDING:
            # recorded, not yet settled), then kill the worker without letting it clean up.
            while True:
                await asyncio.sleep(0.005)
                assert not batch.done(), "the batch ended before the worker could be killed"
                payments = await rows(env, PAYMENTS)
                if len(payments) >= 20 and any(p["status"] == "PENDING" for p in payments):
                    gateway.kill()  # the supervisor too: no replacement takes over
                    break
            assert gateway.process.returncode == -signal.SIGKILL
            answers = await asyncio.wait_for(batch, timeout=60)

    answered = {k: a for k, a in answers.items() if isinstance(a, dict)}
    lost = {k: a for k, a in answers.items() if not isinstance(a, dict)}
    assert answered, "the kill came before any answer"
    assert lost, "the kill came after the batch: no request was cut off"
    assert len(answers) < BATCH, "the kill came after the whole batch was sent"
    for key, answer in answered.items():
        assert not answer.get("errors"), (key, answer)

    verified = run_kabinet("ledger", "verify", env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "0 mismatched" in verified.stdout

    after_crash = {p["idempotency_key"].split(":", 1)[1]: p for p in await rows(env, PAYMENTS)}
    left_pending = {k for k, p in after_crash.items() if p["status"] == "PENDING"}
    assert left_pending, "no payment was caught mid-way by the kill"
    for key in left_pending:
        assert after_crash[key]["ledger_entry_id"] is None
    entry_keys = {e["idempotency_key"] for e in await entries_of(env, after_crash)}
    assert not {f"payment:{after_crash[k]['id']}" for k in left_pending} & entry_keys
    for key, answer in answered.items():  # what a client was told is what the database holds
        assert answer["data"]["topUp"]["payment"]["status"] == after_crash[key]["status"], key

    def settled(payments: dict[str, dict]) -> int:
        return sum(p["amount"] for p in payments.values() if p["status"] == "SUCCEEDED")

    assert (await rows(env, BALANCE))[0]["amount"] == opening + settled(after_crash)

    # A fresh worker; the client sends the whole batch again, with the same keys.
    with killable_gateway_process(env) as gateway:
        async with httpx.AsyncClient(base_url=gateway.base_url, timeout=30) as http:
            replays = await send_batch(http, await sign_in(http), keys)

    after_replay = {p["idempotency_key"].split(":", 1)[1]: p for p in await rows(env, PAYMENTS)}
    assert set(after_replay) == set(keys)  # one payment per key, never two
    assert set(replays) == set(keys)
    for key, replay in replays.items():
        assert isinstance(replay, dict), (key, replay)
        first = after_crash.get(key)
        if first is None:  # never sent, or cut off before its payment was recorded
            assert not replay.get("errors"), (key, replay)
        elif first["status"] == "PENDING":  # interrupted: refused, never charged again
            if after_replay[key]["status"] == "PENDING":
                assert [e["extensions"]["code"] for e in replay["errors"]] == ["CONFLICT"], key
            else:  # settled by a reconciler meanwhile (the sandbox forgot it: FAILED)
                assert replay["data"]["topUp"]["payment"]["status"] == "FAILED", key
            assert after_replay[key]["ledger_entry_id"] is None, key
        else:  # settled before the crash: the same answer again
            assert not replay.get("errors"), (key, replay)
            assert after_replay[key] == first, key
            if key in answered:
                assert replay["data"] == answered[key]["data"], key

    entries = await entries_of(env, after_replay)
    succeeded = [p for p in after_replay.values() if p["status"] == "SUCCEEDED"]
    assert len(entries) == len(succeeded)
    assert sorted(e["id"] for e in entries) == sorted(p["ledger_entry_id"] for p in succeeded)
    assert all(e["amount"] == minor(AMOUNT) for e in entries)
    assert {k for k, p in after_replay.items() if p["status"] == "PENDING"} <= left_pending
    assert not {k for k in left_pending if after_replay[k]["status"] == "SUCCEEDED"}
    assert (await rows(env, BALANCE))[0]["amount"] == opening + settled(after_replay)

    verified = run_kabinet("ledger", "verify", env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "0 mismatched" in verified.stdout
