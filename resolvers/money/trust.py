"""Trust payment (доверительный платёж): credit on trust for a line (a phone number or a
home contract: "when the internet ran out suddenly") that has run low.

Offered when the number has been active at least 60 days, has no open trust payment and
its balance is below a threshold; the amount offered follows the last three months' average
spend; a fee applies; it is due in 3 days and the next top-ups repay it first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models import Balance, LedgerKind, Number, OperationKind, TrustPayment, TrustStatus
from resolvers.care import limits
from resolvers.errors import BadUserInput, Conflict
from resolvers.money import ledger
from resolvers.notifications.money import balance_moved
from resolvers.operations.records import Actor, record, system_for
from resolvers.sql import fetch_rows, in_keys, keys_param, time_param

MIN_ACTIVE_DAYS = 60
BALANCE_BELOW = 10_000  # 100.00 RUB
SMALLEST_OFFER = 5_000  # 50.00 RUB
LARGEST_OFFER = 100_000  # 1,000.00 RUB
OFFER_STEP = 1_000  # offers are whole tens of rubles
FEE_PERCENT = 5
SMALLEST_FEE = 500  # 5.00 RUB
DUE_IN = timedelta(days=3)
SPEND_WINDOW = timedelta(days=90)


@dataclass(frozen=True)
class Offer:
    amount: int
    fee: int

    @property
    def due_in_days(self) -> int:
        return DUE_IN.days


class Refusal(StrEnum):
    """Why no trust payment is offered: a stable code a client can put in its own words,
    and the gateway's own sentence for it (`text`)."""

    TOO_NEW = "TOO_NEW"
    ALREADY_OPEN = "ALREADY_OPEN"
    BALANCE_NOT_LOW = "BALANCE_NOT_LOW"

    @property
    def text(self) -> str:
        return _REFUSAL_TEXTS[self]


_REFUSAL_TEXTS = {
    Refusal.TOO_NEW: f"A trust payment needs {MIN_ACTIVE_DAYS} days of service first.",
    Refusal.ALREADY_OPEN: "A trust payment is already open.",
    Refusal.BALANCE_NOT_LOW: "The balance is not low enough for a trust payment.",
}


@dataclass(frozen=True)
class Eligibility:
    offer: Offer | None
    refusal: Refusal | None  # why nothing is offered

    @property
    def reason(self) -> str | None:
        return self.refusal.text if self.refusal is not None else None


def fee_for(amount: int) -> int:
    return max(SMALLEST_FEE, amount * FEE_PERCENT // 100)


def refusal(
    activated_at: datetime, now: datetime, has_open: bool, balance: int | None
) -> Refusal | None:
    """Why nothing is offered, or None when the spend decides the offer."""
    if activated_at > now - timedelta(days=MIN_ACTIVE_DAYS):
        return Refusal.TOO_NEW
    if has_open:
        return Refusal.ALREADY_OPEN
    if balance is not None and balance >= BALANCE_BELOW:
        return Refusal.BALANCE_NOT_LOW
    return None


def offer_for(spent: int) -> Offer:
    """From the last SPEND_WINDOW's spending (negative amounts): a month's average."""
    monthly = -spent // 3
    offered = min(LARGEST_OFFER, max(SMALLEST_OFFER, monthly // OFFER_STEP * OFFER_STEP))
    return Offer(offered, fee_for(offered))


async def eligibility(number: Number, now: datetime) -> Eligibility:
    """For one number, from what is committed now (a take holds the balance's lock)."""
    has_open = await TrustPayment.exists(number_id=number.id, status=TrustStatus.ACTIVE)
    balance = await Balance.get_or_none(number_id=number.id)
    reason = refusal(number.activated_at, now, has_open, balance.amount if balance else None)
    if reason is not None:
        return Eligibility(None, reason)
    spent = await spent_by_number([number.id], now)
    return Eligibility(offer_for(spent.get(number.id, 0)), None)


# Tariff, service and usage spending; earlier trust fees must not inflate the offer.
_SPENT = """
SELECT number_id, SUM(amount) AS spent FROM ledger_entries
WHERE {keys} AND kind IN ('CHARGE', 'FEE') AND created_at >= ?
  AND idempotency_key NOT LIKE 'trust:%'
GROUP BY number_id
"""


async def spent_by_number(number_ids: list[int], now: datetime) -> dict[int, int]:
    """What each number spent in the last SPEND_WINDOW (a negative sum), in one statement."""
    sql = _SPENT.format(keys=in_keys("number_id"))
    rows = await fetch_rows(sql, [keys_param(number_ids), time_param(now - SPEND_WINDOW)])
    return {row["number_id"]: int(row["spent"]) for row in rows}


async def take(
    number_id: int,
    amount: int,
    taken_by: int | None,
    now: datetime,
    actor: Actor | None = None,
) -> TrustPayment:
    """Credits the amount and charges the fee at once, in one transaction, with its
    operation record (by `actor`; without one, the gateway for `taken_by`). The fee is a
    debit the taker starts: a number's user under a monthly spend cap is held to it."""
    async with limits.owner_told_of_refusals(number_id, "a trust payment"):
        return await _take(number_id, amount, taken_by, now, actor or system_for(taken_by))


async def _take(
    number_id: int, amount: int, taken_by: int | None, now: datetime, actor: Actor
) -> TrustPayment:
    number = await Number.get(id=number_id)
    async with in_transaction():
        # Serialises takes on this number (the balance row's lock) before checking.
        await ledger.lock_balance(number.id, now)
        offer = (await eligibility(number, now)).offer
        if offer is None:
            raise Conflict("No trust payment is offered now.")
        if not 0 < amount <= offer.amount:
            raise BadUserInput(
                f"Take at most the offered {offer.amount / 100:.2f} RUB.", field="amount"
            )
        fee = fee_for(amount)
        await limits.hold_spend(number.id, actor, fee, now)
        trust = await TrustPayment.create(
            number_id=number.id,
            amount=amount,
            fee=fee,
            # The fee is charged now, with the credit: only the credit is repaid later.
            outstanding=amount,
            taken_by_id=taken_by,
            taken_at=now,
            due_at=now + DUE_IN,
        )
        for kind, value, reason in [
            (LedgerKind.TRUST_CREDIT, amount, "Trust payment"),
            (LedgerKind.FEE, -fee, "Trust payment fee"),
        ]:
            entry, _ = await ledger.post(
                ledger.Posting(
                    number_id=number.id,
                    kind=kind,
                    amount=value,
                    currency="RUB",
                    idempotency_key=f"trust:{trust.id}:{kind}",
                    reason=reason,
                    actor_subscriber_id=taken_by,
                ),
                now,
            )
            await balance_moved(entry)  # the fee tells CHARGES like every fee (the credit: none)
        details = {"amount": amount, "fee": fee, "currency": "RUB", "trust_payment_id": trust.id}
        await record(number.id, OperationKind.TRUST_PAYMENT, actor, now, details)
    return trust


async def repay_from(number_id: int, top_up: int, source_key: str, now: datetime) -> int:
    """Inside a top-up's transaction: repays the open trust payment first. Returns what was
    repaid."""
    trust = await TrustPayment.get_or_none(number_id=number_id, status=TrustStatus.ACTIVE)
    if trust is None or trust.outstanding <= 0:
        return 0
    repaid = min(trust.outstanding, top_up)
    _, created = await ledger.post(
        ledger.Posting(
            number_id=number_id,
            kind=LedgerKind.TRUST_REPAYMENT,
            amount=-repaid,
            currency="RUB",
            idempotency_key=f"trust-repayment:{source_key}",
            reason=f"Trust payment {trust.id} repaid",
        ),
        now,
    )
    if not created:
        return 0
    remaining = trust.outstanding - repaid
    await TrustPayment.filter(id=trust.id).update(
        outstanding=F("outstanding") - repaid,
        status=TrustStatus.REPAID if remaining == 0 else TrustStatus.ACTIVE,
        repaid_at=now if remaining == 0 else None,
    )
    return repaid


def shown_status(status: str, due_at: datetime, now: datetime) -> str:
    if status == TrustStatus.ACTIVE and due_at <= now:
        return "OVERDUE"
    return str(status)
