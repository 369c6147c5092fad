"""Paying into a number: one provider charge per payment, the balance credited once and
only on success, idempotent by a key scoped to the payer (Stripe's rules). Used by top-ups
and by autopay."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import LedgerKind, OperationKind, OperationStatus, Payment, PaymentStatus
from resolvers.errors import BadUserInput, Conflict
from resolvers.events import publish_balance_changed
from resolvers.money import ledger, trust
from resolvers.money.amounts import to_decimal
from resolvers.notifications.money import balance_moved
from resolvers.operations.records import Actor, finish_payment_record, record
from resolvers.reach import month_start
from resolvers.services import ChargeResult, Services
from resolvers.sql import fetch_all, is_postgres

CURRENCY = "RUB"
REPLAY_WAIT = timedelta(seconds=3)
# A payment still PENDING after this is presumed interrupted, and reconciled.
PENDING_GRACE = timedelta(minutes=2)
log = logging.getLogger("kabinet.payments")


@dataclass(frozen=True)
class Payer:
    subscriber_id: int | None = None
    partner_app_id: int | None = None

    @property
    def key_prefix(self) -> str:
        return (
            f"s{self.subscriber_id}"
            if self.subscriber_id is not None
            else f"p{self.partner_app_id}"
        )

    @property
    def columns(self) -> dict[str, int | None]:
        if self.subscriber_id is not None:
            return {"payer_subscriber_id": self.subscriber_id}
        return {"payer_partner_id": self.partner_app_id}


@dataclass(frozen=True)
class Target:
    number_id: int
    grant_id: int | None = None
    grant_monthly_limit: int | None = None


def request_hash(target: Target, amount: int, card_id: int | None, token: str) -> str:
    method = f"card:{card_id}" if card_id is not None else f"token:{token}"
    return hashlib.sha256(f"{target.number_id}|{amount}|{method}".encode()).hexdigest()


async def pay(
    services: Services,
    payer: Payer,
    target: Target,
    amount: int,
    *,
    token: str,
    card_id: int | None,
    key: str,
    actor: Actor,
    kind: OperationKind = OperationKind.TOPUP,
) -> Payment:
    """`key` is the client's key; it is scoped to the payer here. The payment's operation
    record (`kind`, by `actor`: every caller says who acts) is written CREATED with the
    payment and moved to its outcome by `settle`."""
    scoped_key = f"{payer.key_prefix}:{key}"
    fingerprint = request_hash(target, amount, card_id, token)
    opened = _Opened(actor, kind)
    try:
        payment = await _open_payment(
            services, payer, target, amount, card_id, scoped_key, fingerprint, opened
        )
    except IntegrityError:
        # Another request with this key got in first: answer as its replay.
        return await _replayed(await Payment.get(idempotency_key=scoped_key), fingerprint)

    assert services.payments is not None, "a payment provider is configured at start"
    try:
        result = await services.payments.charge(
            token, amount, CURRENCY, idempotency_key=f"payment:{payment.id}"
        )
    except Exception:
        # The outcome is unknown (the card may or may not have been charged): the payment
        # stays PENDING and reconcile_pending settles it from the provider's own record.
        log.exception("payment %s: provider call failed, left PENDING", payment.id)
        return payment
    if await settle(services, payment, result):
        # This request settled it: its answer is what it wrote.
        payment.status = PaymentStatus.SUCCEEDED if result.succeeded else PaymentStatus.FAILED
        payment.failure_code = None if result.succeeded else result.failure_code
        payment.provider_reference = result.reference
        return payment
    return await Payment.get(id=payment.id)


async def settle(services: Services, payment: Payment, result: ChargeResult) -> bool:
    """Records the provider's answer: credit once on success (the ledger key is the
    payment's), FAILED otherwise. The PENDING -> final status change is the guard: of
    several settlers (the request, a replay, the reconciler) exactly one moves the payment,
    and only that one may touch the ledger. Returns whether this call was that one."""
    now = services.clock()
    credited = False
    async with in_transaction():
        if result.succeeded:
            won = await Payment.filter(id=payment.id, status=PaymentStatus.PENDING).update(
                status=PaymentStatus.SUCCEEDED, provider_reference=result.reference, updated_at=now
            )
            if won:
                entry, _ = await ledger.post(
                    ledger.Posting(
                        number_id=payment.number_id,
                        kind=LedgerKind.TOPUP,
                        amount=payment.amount,
                        currency=payment.currency,
                        idempotency_key=f"payment:{payment.id}",
                        reason=f"Top-up, payment {payment.id}",
                        actor_subscriber_id=payment.payer_subscriber_id,
                        actor_partner_id=payment.payer_partner_id,
                        grant_id=payment.grant_id,
                    ),
                    now,
                    known_new=True,
                )
                # An open trust payment is repaid first, from this very top-up.
                await trust.repay_from(
                    payment.number_id, payment.amount, f"payment:{payment.id}", now
                )
                await Payment.filter(id=payment.id).update(ledger_entry_id=entry.id)
                await finish_payment_record(
                    payment.id, OperationStatus.COMPLETED, now, ledger_entry_id=entry.id
                )
                await balance_moved(entry)  # the SMS / e-mail, sent after this commits
                credited = True
        else:
            won = await Payment.filter(id=payment.id, status=PaymentStatus.PENDING).update(
                status=PaymentStatus.FAILED, failure_code=result.failure_code, updated_at=now
            )
            if won:
                await finish_payment_record(
                    payment.id, OperationStatus.FAILED, now, failure_reason=result.failure_code
                )
    if result.succeeded and not credited:
        current = await Payment.get(id=payment.id)
        if current.status is PaymentStatus.FAILED:
            # Charged after it was given up on: the money must go back to the card.
            log.error("payment %s charged after it was marked FAILED: refund it", payment.id)
    if credited:
        await announce_balance(services, payment.number_id)
    return bool(won)


async def reconcile_pending(services: Services, older_than: timedelta = PENDING_GRACE) -> int:
    """Settles payments left PENDING by a crash or a failed provider call, from the
    provider's record of the charge (asked by the same idempotency key). A charge the
    provider never saw is FAILED. Returns how many were settled."""
    assert services.payments is not None
    cutoff = services.clock() - older_than
    settled = 0
    for payment in await Payment.filter(status=PaymentStatus.PENDING, created_at__lt=cutoff):
        try:
            result = await services.payments.lookup(f"payment:{payment.id}")
            await settle(services, payment, result or ChargeResult(False, failure_code="abandoned"))
            settled += 1
        except Exception:  # one payment must not stop the others from being settled
            log.exception("could not settle payment %s", payment.id)
    return settled


async def announce_balance(services: Services, number_id: int) -> None:
    """Tells live subscribers, after the commit, that the balance moved."""
    await publish_balance_changed(services, number_id)


@dataclass(frozen=True)
class _Opened:
    """The operation record a payment opens with."""

    actor: Actor
    kind: OperationKind


async def _open_payment(
    services: Services,
    payer: Payer,
    target: Target,
    amount: int,
    card_id: int | None,
    key: str,
    request_hash: str,
    opened: _Opened,
) -> Payment:
    """Records the PENDING payment and checks the running limits in one transaction,
    serialised per payer so two concurrent top-ups cannot both slip under a limit.

    The row goes in first: a key that is already there fails the unique index (the caller
    answers with the replay) before any limit is judged, and the sums then include this
    payment. Fewer statements under the payer's lock, shorter waits for the next request.
    """
    now = services.clock()
    payer_columns = payer.columns
    assert services.payments is not None
    async with in_transaction() as connection:
        if is_postgres():
            lock_key = int(hashlib.sha256(key.split(":")[0].encode()).hexdigest()[:15], 16)
            await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [lock_key])
        payment = await Payment.create(
            number_id=target.number_id,
            amount=amount,
            currency=CURRENCY,
            grant_id=target.grant_id,
            card_id=card_id,
            provider=services.payments.name,
            idempotency_key=key,
            request_hash=request_hash,
            created_at=now,
            updated_at=now,
            **payer_columns,
        )
        ((payer_column, payer_id),) = payer_columns.items()
        if await _sum(payer_column, payer_id, now - timedelta(days=1)) > (
            services.limits.daily_per_payer
        ):
            raise BadUserInput(
                "This would exceed the daily top-up limit of "
                f"{to_decimal(services.limits.daily_per_payer, CURRENCY)} {CURRENCY} per payer.",
                field="amount",
                limit="DAILY_PER_PAYER",
            )
        if target.grant_monthly_limit is not None:
            if (
                await _sum("grant_id", target.grant_id, month_start(now))
                > target.grant_monthly_limit
            ):
                raise BadUserInput(
                    "This would exceed the grant's monthly top-up limit of "
                    f"{to_decimal(target.grant_monthly_limit, CURRENCY)} {CURRENCY}.",
                    field="amount",
                    limit="GRANT_MONTHLY",
                )
        # After the limits, so a refused top-up leaves no record (it rolls back with them).
        await record(
            target.number_id,
            opened.kind,
            opened.actor,
            now,
            {"amount": amount, "currency": CURRENCY, "payment_id": payment.id},
            status=OperationStatus.CREATED,
            payment_id=payment.id,
        )
        return payment


_SPENT_SQL = {
    column: "SELECT COALESCE(SUM(amount), 0) AS total FROM payments "  # noqa: S608 (fixed names)
    f"WHERE {column} = ? AND created_at >= ? AND status IN ('PENDING', 'SUCCEEDED')"
    for column in ("payer_subscriber_id", "payer_partner_id", "grant_id")
}


async def _sum(column: str, value: int | None, since: datetime) -> int:
    """What was paid since `since`, summed in SQL (a busy payer has thousands of payments).
    Pending payments count: money on its way must not let a limit be passed twice."""
    rows = await fetch_all(_SPENT_SQL[column], [value, since])
    return int(rows[0]["total"])


async def _replayed(payment: Payment, request_hash: str) -> Payment:
    if payment.request_hash != request_hash:
        raise Conflict("This idempotency key was used for a different top-up.")
    deadline = datetime.now().timestamp() + REPLAY_WAIT.total_seconds()
    while payment.status is PaymentStatus.PENDING:
        if datetime.now().timestamp() > deadline:
            raise Conflict("A top-up with this idempotency key is still in progress. Retry later.")
        await asyncio.sleep(0.05)
        payment = await Payment.get(id=payment.id)
    return payment
