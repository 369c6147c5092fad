"""Autopay: a threshold rule (when the balance drops below X, top up Y; fires once and arms
again only after the balance has been back at or above X) or a monthly rule (top up Y on day
D), each with an optional monthly cap. Rules run in the background worker."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import (
    AutopayKind,
    AutopayRule,
    AutopayRun,
    Balance,
    NotificationTopic,
    Number,
    OperationKind,
    OperationStatus,
    Payment,
    PaymentCard,
    PaymentStatus,
)
from permissions.levels import Level
from permissions.viewer import Viewer
from resolvers.errors import BadUserInput, ClientError, NotFound
from resolvers.home.words import line_words
from resolvers.money.amounts import to_minor_units
from resolvers.money.payments import Payer, Target, pay
from resolvers.notifications.outbox import notify
from resolvers.operations.records import record, system_for
from resolvers.operations.summary import rubles
from resolvers.reach import load_reach, month_start
from resolvers.services import Services

log = logging.getLogger("kabinet.autopay")
FAILED_SMS = "Автоплатёж {amount} на {line} не прошёл: {reason}. Проверьте карту в личном кабинете."


@dataclass(frozen=True)
class AutopaySettings:
    kind: AutopayKind
    amount: Decimal
    card_id: int
    threshold: Decimal | None = None
    day_of_month: int | None = None
    monthly_cap: Decimal | None = None


async def set_rule(
    services: Services, subscriber_id: int, number_id: int, settings: AutopaySettings
) -> AutopayRule:
    """Creates or replaces the number's rule. The caller has checked FULL access."""
    card = await PaymentCard.get_or_none(
        id=settings.card_id, subscriber_id=subscriber_id, removed_at=None
    )
    if card is None:
        raise NotFound("No such saved card.")
    amount = _rubles(settings.amount, "amount")
    if not services.limits.topup_min <= amount <= services.limits.topup_max:
        raise BadUserInput("The autopay amount must be within the top-up limits.", field="amount")
    threshold = day = None
    if settings.kind is AutopayKind.THRESHOLD:
        if settings.threshold is None:
            raise BadUserInput("A threshold rule needs threshold.", field="threshold")
        threshold = _rubles(settings.threshold, "threshold")
    else:
        if settings.day_of_month is None or not 1 <= settings.day_of_month <= 28:
            raise BadUserInput("dayOfMonth must be from 1 to 28.", field="dayOfMonth")
        day = settings.day_of_month
    cap = _rubles(settings.monthly_cap, "monthlyCap") if settings.monthly_cap is not None else None
    if cap is not None and cap < amount:
        raise BadUserInput("monthlyCap must be at least the amount.", field="monthlyCap")
    now = services.clock()
    month = f"{now.year:04d}-{now.month:02d}"
    async with in_transaction():
        previous = await AutopayRule.get_or_none(number_id=number_id)
        # A monthly payment already made this month (by this rule or the one it replaces),
        # or a day D already past, means the next one is next month.
        last_run = previous.last_run_month if previous else None
        if day is not None and now.day >= day:
            last_run = month
        await AutopayRule.filter(number_id=number_id).delete()
        return await AutopayRule.create(
            number_id=number_id,
            subscriber_id=subscriber_id,
            card_id=card.id,
            kind=settings.kind,
            amount=amount,
            threshold=threshold,
            day_of_month=day,
            monthly_cap=cap,
            last_run_month=last_run,
            created_at=now,
        )


def _rubles(value: Decimal, field: str) -> int:
    try:
        minor = to_minor_units(value, "RUB")
    except ValueError as exc:
        raise BadUserInput(str(exc), field=field) from exc
    if minor <= 0:
        raise BadUserInput(f"{field} must be positive.", field=field)
    return minor


async def remove_rule(number_id: int) -> bool:
    return bool(await AutopayRule.filter(number_id=number_id).delete())


async def run_due(services: Services, now: datetime) -> list[AutopayRun]:
    """One pass over every rule; safe to run from several workers (payments are idempotent
    by a key naming the rule and the occasion)."""
    runs = []
    for rule in await AutopayRule.all().order_by("id"):
        try:
            run = await _run_rule(services, rule, now)
        except Exception as exc:  # one broken rule must not stop everyone else's
            log.exception("autopay rule %s failed", rule.id)
            run = await AutopayRun.create(
                rule_id=rule.id,
                number_id=rule.number_id,
                outcome="FAILED",
                detail=f"{type(exc).__name__}: {exc}"[:200],
                at=now,
            )
        if run is not None:
            runs.append(run)
    return runs


async def _run_rule(services: Services, rule: AutopayRule, now: datetime) -> AutopayRun | None:
    month = f"{now.year:04d}-{now.month:02d}"
    dropped = await _drop_if_stale(rule, now)
    if dropped is not None:
        return dropped
    if rule.kind is AutopayKind.THRESHOLD:
        balance = await Balance.get_or_none(number_id=rule.number_id)
        amount_now = balance.amount if balance else 0
        assert rule.threshold is not None
        if amount_now >= rule.threshold:
            if not rule.armed:
                await AutopayRule.filter(id=rule.id).update(armed=True)
            return None
        if not rule.armed:
            return None
        # Disarm first: whatever happens next, this drop below X fires once.
        if not await AutopayRule.filter(id=rule.id, armed=True).update(armed=False):
            return None  # another worker took it
        occasion = f"threshold:{rule.id}:{now:%Y%m%d%H%M%S%f}"
    else:
        if now.day < (rule.day_of_month or 1) or rule.last_run_month == month:
            return None
        # Claimed with a conditional update (NULL-safe), so two workers cannot both pay.
        not_this_month = Q(last_run_month__isnull=True) | ~Q(last_run_month=month)
        claimed = await AutopayRule.filter(not_this_month, id=rule.id).update(last_run_month=month)
        if not claimed:
            return None
        occasion = f"monthly:{rule.number_id}:{month}"
    return await _pay(services, rule, occasion, month, now)


async def _drop_if_stale(rule: AutopayRule, now: datetime) -> AutopayRun | None:
    """A rule whose card was removed, or whose owner no longer has FULL access to the
    number, is dropped (and the drop recorded) instead of paying."""
    card = await PaymentCard.get_or_none(id=rule.card_id, removed_at=None)
    reach = await load_reach(Viewer(subscriber_id=rule.subscriber_id), now)
    if card is not None and reach.level(rule.number_id) >= Level.FULL:
        return None
    outcome = "CARD_REMOVED" if card is None else "ACCESS_LOST"
    async with in_transaction():
        run = await _run_without_payment(rule, outcome, "rule dropped", now)
        await AutopayRule.filter(id=rule.id).delete()
    return run


async def _run_without_payment(
    rule: AutopayRule, outcome: str, detail: str, now: datetime
) -> AutopayRun:
    """A run that paid nothing, and its FAILED record in the number's history (a run that
    paid is recorded with its payment)."""
    async with in_transaction():
        run = await AutopayRun.create(
            rule_id=rule.id, number_id=rule.number_id, outcome=outcome, detail=detail, at=now
        )
        await record(
            rule.number_id,
            OperationKind.AUTOPAY,
            system_for(rule.subscriber_id),
            now,
            {"amount": rule.amount, "currency": "RUB", "outcome": outcome, "rule_id": rule.id},
            status=OperationStatus.FAILED,
            failure_reason=detail,
        )
    return run


async def _pay(
    services: Services, rule: AutopayRule, occasion: str, month: str, now: datetime
) -> AutopayRun:
    if rule.monthly_cap is not None:
        paid = await Payment.filter(
            idempotency_key__startswith=f"s{rule.subscriber_id}:autopay:",
            number_id=rule.number_id,
            status__in=[PaymentStatus.PENDING, PaymentStatus.SUCCEEDED],
            created_at__gte=month_start(now),
        ).values_list("amount", flat=True)
        if sum(paid) + rule.amount > rule.monthly_cap:
            detail = f"monthly cap {rule.monthly_cap} reached in {month}"
            return await _run_without_payment(rule, "CAP_REACHED", detail, now)
    card = await PaymentCard.get(id=rule.card_id)  # checked live by _drop_if_stale
    try:
        payment = await pay(
            services,
            Payer(subscriber_id=rule.subscriber_id),
            Target(number_id=rule.number_id),
            rule.amount,
            token=card.provider_token,
            card_id=card.id,
            key=f"autopay:{occasion}",
            actor=system_for(rule.subscriber_id),
            kind=OperationKind.AUTOPAY,
        )
        outcome = str(payment.status)
        detail = payment.failure_code or ""
    except ClientError as exc:  # e.g. the payer's daily limit: no payment, so no record yet
        async with in_transaction():
            run = await _run_without_payment(rule, "FAILED", exc.message[:200], now)
            await _tell_owner(rule, exc.message)
        return run
    # The run and the owner's notice commit together: a notice never tells of a run that
    # was not recorded, and a recorded failure is never left untold.
    async with in_transaction():
        run = await AutopayRun.create(
            rule_id=rule.id,
            number_id=rule.number_id,
            payment_id=payment.id,
            outcome=outcome,
            detail=detail[:200],
            at=now,
        )
        if outcome != "SUCCEEDED":
            await _tell_owner(rule, detail or outcome)
    return run


async def _tell_owner(rule: AutopayRule, reason: str) -> None:
    """Through the notification outbox (topic TOPUPS, the rule's subscriber's channels),
    inside the caller's transaction, like every other notice."""
    line = await Number.get(id=rule.number_id).values(
        "msisdn", contract_number="home_contract__contract_number"
    )
    words = line_words(line["msisdn"], line["contract_number"])
    # «100,00 ₽», as the request history writes money (never a float of kopecks).
    text = FAILED_SMS.format(amount=rubles(rule.amount), line=words.accusative, reason=reason)
    log.warning("autopay %s on line %s failed: %s", rule.id, rule.number_id, reason)
    await notify(
        rule.subscriber_id,
        NotificationTopic.TOPUPS,
        f"Автоплатёж на {words.accusative} не прошёл",
        text,
        number_id=rule.number_id,
    )
