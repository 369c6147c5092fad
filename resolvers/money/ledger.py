"""The ledger: append-only entries, and each number's balance kept equal to their sum.

`post` must run inside the caller's transaction: the balance row's UPDATE takes the row
lock (PostgreSQL), so concurrent postings on one number serialise there, and the entry and
the new balance commit or roll back together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.functions import Sum

from models import Balance, LedgerEntry, LedgerKind, Number
from resolvers.sql import fetch_all

_MOVE_BALANCE_SQL = (
    "UPDATE balances SET amount = amount + ?, updated_at = ? WHERE number_id = ? RETURNING amount"
)


@dataclass(frozen=True)
class Posting:
    number_id: int
    kind: LedgerKind
    amount: int  # minor units, signed
    currency: str
    idempotency_key: str
    reason: str = ""
    actor_subscriber_id: int | None = None
    actor_partner_id: int | None = None
    grant_id: int | None = None


async def post(
    posting: Posting, now: datetime, *, known_new: bool = False
) -> tuple[LedgerEntry, bool]:
    """Writes the entry and moves the balance: (entry, True). A key seen before returns its
    entry and changes nothing: (entry, False). `known_new`: the caller's own guard already
    proved the key unused (the unique key still backs it up)."""
    if not known_new:
        existing = await LedgerEntry.get_or_none(idempotency_key=posting.idempotency_key)
        if existing is not None:
            return existing, False
    # One statement moves the balance and reads it back, under the row's lock.
    rows = await fetch_all(_MOVE_BALANCE_SQL, [posting.amount, now, posting.number_id])
    if rows:
        balance_after = int(rows[0]["amount"])
    else:
        await Balance.create(
            number_id=posting.number_id, amount=posting.amount, currency=posting.currency
        )
        balance_after = posting.amount
    entry = await LedgerEntry.create(
        number_id=posting.number_id,
        kind=posting.kind,
        amount=posting.amount,
        currency=posting.currency,
        balance_after=balance_after,
        idempotency_key=posting.idempotency_key,
        actor_subscriber_id=posting.actor_subscriber_id,
        actor_partner_id=posting.actor_partner_id,
        grant_id=posting.grant_id,
        reason=posting.reason[:200],
        created_at=now,
    )
    return entry, True


async def lock_balance(number_id: int, now: datetime) -> None:
    """Inside a transaction: takes the balance row's lock (PostgreSQL), so checks made after
    it cannot race another writer on the same number. SQLite serialises writers anyway."""
    await Balance.filter(number_id=number_id).update(updated_at=now)


@dataclass(frozen=True)
class Discrepancy:
    msisdn: str | None  # None for a home contract: see contract_number
    balance: int
    ledger_sum: int
    contract_number: str | None = None

    @property
    def line(self) -> str:
        """How the line is named in a report."""
        return self.msisdn or f"contract {self.contract_number}"


async def verify() -> tuple[int, list[Discrepancy]]:
    """Every number's balance against the sum of its entries: (numbers checked, mismatches)."""
    sums = dict(
        await LedgerEntry.all()
        .group_by("number_id")
        .annotate(total=Sum("amount"))
        .values_list("number_id", "total")
    )
    checked, wrong = 0, []
    for number_id, msisdn, contract_number, amount in await Number.all().values_list(
        "id", "msisdn", "home_contract__contract_number", "balance__amount"
    ):
        checked += 1
        total = int(sums.get(number_id) or 0)
        if int(amount or 0) != total:
            wrong.append(Discrepancy(msisdn, int(amount or 0), total, contract_number))
    return checked, wrong
