"""Money under real concurrency: hundreds of top-ups and usage charges on one number at once.

On SQLite (the default run) tortoise serialises transactions on its one connection, so
these tests prove the bookkeeping; on PostgreSQL (`KABINET_TEST_DATABASE_URL=postgres://...`)
tortoise's asyncpg pool runs them on several connections in parallel, and the balance row's
lock is what keeps the ledger right. `LoadWatcher` proves the PostgreSQL run really overlaps:
several pool connections busy at once, and transactions queueing on locks.
"""

import asyncio
import random
from collections import defaultdict
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from tortoise import connections

from models import Balance, LedgerEntry, LedgerKind, Payment, PaymentStatus, UsageRecord
from resolvers.money.charges import ingest
from resolvers.money.ledger import verify
from resolvers.services import MoneyLimits
from tests.support import family
from tests.support.database import is_postgres_url

TOP_UP = """
mutation($input: TopUpInput!) { topUp(input: $input) {
  payment { id status amount { amount currency } failureCode }
} }
"""

OPENING = 100_000  # 1,000.00 RUB
GENEROUS = MoneyLimits(topup_min=1000, topup_max=1_500_000, daily_per_payer=10**12)


def top_up_input(msisdn: str, key: str, amount: int, card: str = "tok_visa") -> dict:
    return {
        "input": {
            "msisdn": msisdn,
            "amount": str(Decimal(amount) / 100),
            "idempotencyKey": key,
            "cardToken": card,
        }
    }


def usage_record(record_id: str, msisdn: str, cost: int) -> dict:
    return {
        "id": record_id,
        "msisdn": msisdn,
        "type": "call",
        "start": "2026-11-20T10:00:00Z",
        "duration": "60",
        "counterpart": "+79161234567",
        "cost": str(Decimal(cost) / 100),
    }


@pytest.fixture
async def owned(services):
    services.limits = GENEROUS
    owner = await family.subscriber("Owner")
    number = await family.number(await family.account(owner), user=owner, balance=OPENING)
    return owner, number


@dataclass
class LoadWatcher:
    """Samples, while work runs, how many of tortoise's pool connections are busy and how
    many of them wait on a lock (PostgreSQL only; on SQLite both stay 0)."""

    database_url: str
    most_busy: int = 0
    most_waiting: int = 0
    wait_events: set[str] = field(default_factory=set)
    samples: int = 0

    @asynccontextmanager
    async def watching(self):
        if not is_postgres_url(self.database_url):
            yield self
            return
        pool = connections.get("default")._pool
        # Open the pool to its full size and learn its backends' pids.
        held = [await pool.acquire() for _ in range(pool.get_max_size())]
        pids = [await conn.fetchval("SELECT pg_backend_pid()") for conn in held]
        for conn in held:
            await pool.release(conn)
        dsn = urlunsplit(urlsplit(self.database_url)._replace(scheme="postgresql", query=""))
        observer = await asyncpg.connect(dsn)
        stop = asyncio.Event()

        async def sample() -> None:
            while not stop.is_set():
                busy = pool.get_size() - pool.get_idle_size()
                rows = await observer.fetch(
                    "SELECT wait_event FROM pg_stat_activity "
                    "WHERE pid = ANY($1::int[]) AND wait_event_type = 'Lock'",
                    pids,
                )
                self.samples += 1
                self.most_busy = max(self.most_busy, busy)
                self.most_waiting = max(self.most_waiting, len(rows))
                self.wait_events.update(row["wait_event"] for row in rows)
                await asyncio.sleep(0.002)

        sampler = asyncio.create_task(sample())
        try:
            yield self
        finally:
            stop.set()
            with suppress(asyncio.CancelledError):
                await sampler
            await observer.close()

    def assert_overlapped(self) -> None:
        if not is_postgres_url(self.database_url):
            return
        assert self.samples > 0
        assert self.most_busy >= 2, f"never more than {self.most_busy} connection in use"
        assert self.most_waiting >= 1, "no transaction ever waited on another's lock"


async def assert_ledger_chains(number_id: int) -> list[LedgerEntry]:
    """Entries in id order: each balance_after is the one before plus its amount, and the
    last one is the balance."""
    entries = await LedgerEntry.filter(number_id=number_id).order_by("id")
    running = 0
    for entry in entries:
        running += entry.amount
        assert entry.balance_after == running, (entry.id, entry.kind, entry.balance_after, running)
    assert (await Balance.get(number_id=number_id)).amount == running
    return entries


async def test_two_hundred_concurrent_top_ups_and_charges_leave_the_balance_exact(
    gql, viewers, owned, services, database_url
):
    owner, number = owned
    token = await viewers.token_for(owner)
    rng = random.Random(20261120)
    top_ups = {
        f"t-{i}": (rng.randrange(1000, 50_001), "tok_declined" if i % 10 == 7 else "tok_visa")
        for i in range(100)
    }
    charges = {f"r-{i}": rng.randrange(1, 10_000) for i in range(80)}
    replayed_keys = rng.sample(sorted(top_ups), 10)
    replayed_records = rng.sample(sorted(charges), 10)

    # Arrivals spread over a quarter of a second, so both kinds of writer are in flight
    # together (all at t=0, the cheap charges would finish before any top-up got going).
    async def top_up(key: str, delay: float) -> tuple[str, object]:
        await asyncio.sleep(delay)
        amount, card = top_ups[key]
        return key, await gql(TOP_UP, top_up_input(number.msisdn, key, amount, card), token=token)

    async def charge(record_id: str, delay: float) -> tuple[str, object]:
        await asyncio.sleep(delay)
        record = usage_record(record_id, number.msisdn, charges[record_id])
        return record_id, await ingest([record], services.clock())

    operations = (
        [top_up(key, rng.uniform(0, 0.25)) for key in [*top_ups, *replayed_keys]]
        + [charge(record_id, rng.uniform(0, 0.25)) for record_id in [*charges, *replayed_records]]
    )  # fmt: skip
    rng.shuffle(operations)
    assert len(operations) == 200

    watcher = LoadWatcher(database_url)
    async with watcher.watching():
        outcomes = await asyncio.gather(*operations)
    watcher.assert_overlapped()

    answers: dict[str, list] = defaultdict(list)
    ingested: dict[str, list] = defaultdict(list)
    for name, outcome in outcomes:
        (answers if name.startswith("t-") else ingested)[name].append(outcome)

    # Every key answered with one payment; a replay got the same answer or CONFLICT.
    for key, results in answers.items():
        ok = [r.data["topUp"]["payment"] for r in results if not r.errors]
        assert ok, (key, [r.errors for r in results])
        assert all(payment == ok[0] for payment in ok), (key, ok)
        assert all(r.error_codes == ["CONFLICT"] for r in results if r.errors), key
        amount, card = top_ups[key]
        assert ok[0]["status"] == ("SUCCEEDED" if card == "tok_visa" else "FAILED"), key
        assert ok[0]["amount"]["amount"] == f"{Decimal(amount) / 100:.2f}"
    # Every record landed once; its replay was a duplicate.
    for record_id, results in ingested.items():
        assert sum(r.accepted for r in results) == 1, record_id
        assert sum(r.duplicates for r in results) == len(results) - 1, record_id
        assert not any(r.rejected for r in results), record_id

    credited = sum(amount for amount, card in top_ups.values() if card == "tok_visa")
    charged = sum(charges.values())
    balance = (await Balance.get(number_id=number.id)).amount
    assert balance == OPENING + credited - charged

    payments = await Payment.filter(number_id=number.id)
    assert len(payments) == len(top_ups)
    assert not [p for p in payments if p.status is PaymentStatus.PENDING]
    succeeded = [p for p in payments if p.status is PaymentStatus.SUCCEEDED]
    assert sum(p.amount for p in succeeded) == credited
    assert await UsageRecord.filter(number_id=number.id).count() == len(charges)

    entries = await assert_ledger_chains(number.id)
    by_kind: dict[LedgerKind, list[LedgerEntry]] = defaultdict(list)
    for entry in entries:
        by_kind[entry.kind].append(entry)
    assert len(by_kind[LedgerKind.TOPUP]) == len(succeeded)  # replays credited nothing
    assert len(by_kind[LedgerKind.CHARGE]) == len(charges)  # nor did replayed records
    entry_by_id = {entry.id: entry for entry in entries}
    for payment in succeeded:
        assert entry_by_id[payment.ledger_entry_id].amount == payment.amount
    assert sorted(-e.amount for e in by_kind[LedgerKind.CHARGE]) == sorted(charges.values())

    checked, wrong = await verify()
    assert (checked, wrong) == (1, [])

    # The two kinds of writer really took turns on the balance, not one batch then the other.
    kinds = [e.kind for e in entries[1:]]
    switches = sum(1 for a, b in pairwise(kinds) if a != b)
    least = 10 if is_postgres_url(database_url) else 3
    assert switches >= least, f"top-ups and charges took turns only {switches} times"


async def test_twenty_concurrent_top_ups_with_one_key_credit_once(
    gql, viewers, owned, database_url
):
    owner, number = owned
    token = await viewers.token_for(owner)
    variables = top_up_input(number.msisdn, "one-key", 15_000)

    watcher = LoadWatcher(database_url)
    async with watcher.watching():
        results = await asyncio.gather(*[gql(TOP_UP, variables, token=token) for _ in range(20)])

    ok = [r.data["topUp"]["payment"] for r in results if not r.errors]
    assert ok, [r.errors for r in results]
    assert all(payment == ok[0] for payment in ok), ok
    assert all(r.error_codes == ["CONFLICT"] for r in results if r.errors), [
        r.errors for r in results
    ]
    assert ok[0]["status"] == "SUCCEEDED"
    assert await Payment.filter(number_id=number.id).count() == 1
    assert await LedgerEntry.filter(number_id=number.id, kind=LedgerKind.TOPUP).count() == 1
    assert (await Balance.get(number_id=number.id)).amount == OPENING + 15_000
    await assert_ledger_chains(number.id)
    assert (await verify())[1] == []
    if is_postgres_url(database_url):
        assert watcher.most_busy >= 2, watcher


async def test_concurrent_replays_near_the_daily_limit_get_the_first_answer(
    gql, viewers, owned, services
):
    """A replay racing its first request is answered as a replay, not judged against the
    daily limit that the first request already counts towards."""
    owner, number = owned
    # Room for this top-up once, not twice.
    services.limits = MoneyLimits(topup_min=1000, topup_max=1_500_000, daily_per_payer=20_000)
    token = await viewers.token_for(owner)
    variables = top_up_input(number.msisdn, "near-the-limit", 15_000)
    results = await asyncio.gather(*[gql(TOP_UP, variables, token=token) for _ in range(20)])

    refusals = {
        (error["extensions"].get("code"), error["extensions"].get("limit"))
        for r in results
        for error in r.errors
    }
    assert refusals <= {("CONFLICT", None)}, refusals
    assert (await Balance.get(number_id=number.id)).amount == OPENING + 15_000


class HeldProvider:
    """A provider whose charge is held until the test releases it, then approved: a charge
    still in flight when the reconciler looks at its PENDING payment."""

    name = "held"

    def __init__(self) -> None:
        self.charging = asyncio.Event()
        self.release = asyncio.Event()
        self.charges: dict[str, object] = {}

    async def describe_card(self, token: str) -> object:
        raise NotImplementedError

    async def lookup(self, idempotency_key: str) -> object:
        return self.charges.get(idempotency_key)

    async def charge(self, token: str, amount: int, currency: str, idempotency_key: str):
        from resolvers.services import ChargeResult

        self.charging.set()
        await self.release.wait()
        self.charges[idempotency_key] = ChargeResult(succeeded=True, reference="held-1")
        return self.charges[idempotency_key]


async def test_a_charge_settling_after_the_reconciler_failed_it_keeps_payment_and_ledger_agreeing(
    gql, viewers, owned, services
):
    from datetime import timedelta

    from resolvers.money.payments import reconcile_pending

    owner, number = owned
    provider = HeldProvider()
    services.payments = provider
    token = await viewers.token_for(owner)
    request = asyncio.create_task(
        gql(TOP_UP, top_up_input(number.msisdn, "slow", 15_000), token=token)
    )
    await asyncio.wait_for(provider.charging.wait(), timeout=10)
    # The reconciler's grace period (2 minutes) has passed for this payment.
    assert await reconcile_pending(services, older_than=timedelta(0)) == 1
    provider.release.set()
    await request

    payment = await Payment.get(number_id=number.id)
    credited = await LedgerEntry.filter(idempotency_key=f"payment:{payment.id}").exists()
    balance = (await Balance.get(number_id=number.id)).amount
    assert (payment.status, credited, balance) in {
        (PaymentStatus.SUCCEEDED, True, OPENING + 15_000),
        (PaymentStatus.FAILED, False, OPENING),
    }, (payment.status, payment.failure_code, credited, balance)


async def test_concurrent_top_ups_by_one_payer_with_different_keys_stop_at_the_daily_limit(
    gql, viewers, owned, services
):
    """Thirty top-ups at once, each its own key, room for five: exactly five pass. On
    PostgreSQL the payer's advisory lock makes each limit check see the ones before it
    (without it, several read the same sum and all pass)."""
    owner, number = owned
    services.limits = MoneyLimits(topup_min=1000, topup_max=1_500_000, daily_per_payer=50_000)
    token = await viewers.token_for(owner)
    results = await asyncio.gather(
        *[
            gql(TOP_UP, top_up_input(number.msisdn, f"different-{i}", 10_000), token=token)
            for i in range(30)
        ]
    )
    passed = [r for r in results if not r.errors]
    refused = {error["extensions"].get("limit") for r in results for error in r.errors}
    assert len(passed) == 5, [r.errors for r in results]
    assert refused == {"DAILY_PER_PAYER"}
    assert (await Balance.get(number_id=number.id)).amount == OPENING + 50_000
