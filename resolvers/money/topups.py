"""Top-ups: any viewer with TOPUP or above, a partner with `topup`, a payment agent with
`topup:any` on any active number. Idempotent as Stripe does it: the same key with the same
input returns the first answer, with another input CONFLICT; the balance is credited once,
only when the provider approves."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import (
    AccessGrant,
    LedgerKind,
    Number,
    NumberStatus,
    Payment,
    PaymentCard,
    PaymentStatus,
)
from permissions.levels import TOP_UP, TOP_UP_ANY, Level, allows
from permissions.viewer import Viewer
from resolvers.errors import BadUserInput, Conflict, Forbidden, NotFound, Unauthenticated
from resolvers.identity.phones import normalise_phone
from resolvers.loaders import Loaders
from resolvers.money import ledger
from resolvers.money.amounts import to_decimal, to_minor_units
from resolvers.services import Services
from resolvers.sql import is_postgres

CURRENCY = "RUB"
REPLAY_WAIT = timedelta(seconds=3)
MAX_KEY_LENGTH = 100


@dataclass(frozen=True)
class TopUpRequest:
    msisdn: str
    amount: Decimal
    idempotency_key: str
    payment_method_id: int | None = None
    card_token: str | None = None


@dataclass(frozen=True)
class _Target:
    number_id: int
    grant_id: int | None
    grant_monthly_limit: int | None


def _payer_key(viewer: Viewer) -> str:
    if viewer.subscriber_id is not None:
        return f"s{viewer.subscriber_id}"
    if viewer.partner_app_id is not None:
        return f"p{viewer.partner_app_id}"
    raise Unauthenticated("Sign in, or use a partner token, to top up.")


async def top_up(
    services: Services, loaders: Loaders, viewer: Viewer, request: TopUpRequest
) -> Payment:
    payer = _payer_key(viewer)
    key = request.idempotency_key.strip()
    if not 0 < len(key) <= MAX_KEY_LENGTH:
        raise BadUserInput(
            f"idempotencyKey must have 1 to {MAX_KEY_LENGTH} characters.", field="idempotencyKey"
        )
    target = await _target(loaders, viewer, normalise_phone(request.msisdn))
    amount = _amount(services, request.amount)
    token, card_id = await _payment_method(viewer, request)
    request_hash = hashlib.sha256(
        f"{target.number_id}|{amount}|{card_id or ''}|{token if card_id is None else ''}".encode()
    ).hexdigest()
    scoped_key = f"{payer}:{key}"

    replay = await Payment.get_or_none(idempotency_key=scoped_key)
    if replay is not None:
        return await _replayed(replay, request_hash)
    try:
        payment = await _open_payment(
            services, viewer, target, amount, card_id, scoped_key, request_hash
        )
    except IntegrityError:
        # Another request with this key got in first: answer as its replay.
        return await _replayed(await Payment.get(idempotency_key=scoped_key), request_hash)

    assert services.payments is not None, "a payment provider is configured at start"
    result = await services.payments.charge(
        token, amount, CURRENCY, idempotency_key=f"payment:{payment.id}"
    )
    now = services.clock()
    async with in_transaction():
        if result.succeeded:
            entry = await ledger.post(
                ledger.Posting(
                    number_id=target.number_id,
                    kind=LedgerKind.TOPUP,
                    amount=amount,
                    currency=CURRENCY,
                    idempotency_key=f"payment:{payment.id}",
                    reason=f"Top-up, payment {payment.id}",
                    actor_subscriber_id=viewer.subscriber_id,
                    actor_partner_id=viewer.partner_app_id,
                    grant_id=target.grant_id,
                ),
                now,
            )
            await Payment.filter(id=payment.id).update(
                status=PaymentStatus.SUCCEEDED,
                provider_reference=result.reference,
                ledger_entry_id=entry.id,
                updated_at=now,
            )
        else:
            await Payment.filter(id=payment.id).update(
                status=PaymentStatus.FAILED, failure_code=result.failure_code, updated_at=now
            )
    loaders.forget_reach()  # the payload's number shows the new balance
    return await Payment.get(id=payment.id)


async def _target(loaders: Loaders, viewer: Viewer, msisdn: str) -> _Target:
    if viewer.is_partner and TOP_UP_ANY in viewer.scopes:
        number = await Number.get_or_none(msisdn=msisdn)
        if number is None or number.status is not NumberStatus.ACTIVE:
            raise NotFound("No such active number.")
        return _Target(number.id, None, None)
    reach = await loaders.reach()
    row = reach.by_msisdn.get(msisdn)
    level = reach.base_levels.get(row.id, Level.NONE) if row else Level.NONE
    visible = reach.level(row.id) if row else Level.NONE
    if row is None or level is Level.NONE:
        raise NotFound("No such number.")
    if not allows(viewer, level, Level.TOPUP, TOP_UP):
        if visible is Level.NONE:
            raise NotFound("No such number.")
        raise Forbidden("This token may not top up (it needs the `topup` scope).")
    if row.status == NumberStatus.CLOSED:
        raise BadUserInput("This number is closed and cannot be topped up.")
    if level is not Level.TOPUP:
        return _Target(row.id, None, None)
    grantee = (
        {"grantee_subscriber_id": viewer.subscriber_id}
        if viewer.subscriber_id is not None
        else {"grantee_partner_id": viewer.partner_app_id}
    )
    grant = (
        await AccessGrant.filter(number_id=row.id, revoked_at=None, level="TOPUP", **grantee)
        .order_by("-id")
        .first()
    )
    assert grant is not None, "a TOPUP level comes from a TOPUP grant"
    return _Target(row.id, grant.id, grant.topup_monthly_limit)


def _amount(services: Services, raw: Decimal) -> int:
    try:
        minor = to_minor_units(Decimal(raw), CURRENCY)
    except (ValueError, InvalidOperation) as exc:
        raise BadUserInput(f"The amount must have at most 2 decimal places: {exc}") from exc
    limits = services.limits
    if minor < limits.topup_min:
        raise BadUserInput(
            f"The smallest top-up is {to_decimal(limits.topup_min, CURRENCY)} {CURRENCY}.",
            field="amount",
            limit="TOPUP_MIN",
        )
    if minor > limits.topup_max:
        raise BadUserInput(
            f"The largest top-up is {to_decimal(limits.topup_max, CURRENCY)} {CURRENCY}.",
            field="amount",
            limit="TOPUP_MAX",
        )
    return minor


async def _payment_method(viewer: Viewer, request: TopUpRequest) -> tuple[str, int | None]:
    if (request.payment_method_id is None) == (request.card_token is None):
        raise BadUserInput("Give exactly one of paymentMethodId and cardToken.")
    if request.card_token is not None:
        return request.card_token, None
    card = await PaymentCard.get_or_none(
        id=request.payment_method_id, subscriber_id=viewer.subscriber_id, removed_at=None
    )
    if card is None or viewer.subscriber_id is None:
        raise NotFound("No such saved card.")
    return card.provider_token, card.id


async def _open_payment(
    services: Services,
    viewer: Viewer,
    target: _Target,
    amount: int,
    card_id: int | None,
    key: str,
    request_hash: str,
) -> Payment:
    """Checks the running limits and records the PENDING payment in one transaction,
    serialised per payer so two concurrent top-ups cannot both slip under a limit."""
    now = services.clock()
    payer = (
        {"payer_subscriber_id": viewer.subscriber_id}
        if viewer.subscriber_id is not None
        else {"payer_partner_id": viewer.partner_app_id}
    )
    async with in_transaction() as connection:
        if is_postgres():
            lock_key = int(hashlib.sha256(key.split(":")[0].encode()).hexdigest()[:15], 16)
            await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [lock_key])
        spent_today = await _sum(Payment.filter(created_at__gt=now - timedelta(days=1), **payer))
        if spent_today + amount > services.limits.daily_per_payer:
            raise BadUserInput(
                "This would exceed the daily top-up limit of "
                f"{to_decimal(services.limits.daily_per_payer, CURRENCY)} {CURRENCY} per payer.",
                field="amount",
                limit="DAILY_PER_PAYER",
            )
        if target.grant_monthly_limit is not None:
            month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            spent = await _sum(
                Payment.filter(grant_id=target.grant_id, created_at__gte=month_start)
            )
            if spent + amount > target.grant_monthly_limit:
                raise BadUserInput(
                    "This would exceed the grant's monthly top-up limit of "
                    f"{to_decimal(target.grant_monthly_limit, CURRENCY)} {CURRENCY}.",
                    field="amount",
                    limit="GRANT_MONTHLY",
                )
        assert services.payments is not None
        return await Payment.create(
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
            **payer,
        )


async def _sum(query: object) -> int:
    """Pending payments count: money on its way must not let a limit be passed twice."""
    amounts = await query.filter(  # type: ignore[attr-defined]
        status__in=[PaymentStatus.PENDING, PaymentStatus.SUCCEEDED]
    ).values_list("amount", flat=True)
    return sum(amounts)


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
