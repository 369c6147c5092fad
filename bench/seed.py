"""One family tree of N numbers and a real access token for its owner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from gateway.counters import DatabaseCounterStore
from models import (
    Account,
    AutopayKind,
    AutopayRule,
    Balance,
    Number,
    Payment,
    PaymentCard,
    PaymentStatus,
    SignInMethod,
    Subscriber,
    Tariff,
    TrustPayment,
)
from resolvers.identity.sessions import start_session
from resolvers.services import Services


class _NoSms:
    async def send(self, to: str, text: str) -> None:
        raise RuntimeError("the benchmark sends no SMS")


@dataclass(frozen=True)
class Family:
    owner_id: int
    numbers: int
    token: str


async def _numbers_in(account: Account, tariff: Tariff, first: int, how_many: int) -> list[Number]:
    activated = datetime.now(UTC) - timedelta(days=100)
    rows = [
        Number(
            msisdn=f"+7990{first + i:07d}", account=account, tariff=tariff, activated_at=activated
        )
        for i in range(how_many)
    ]
    await Number.bulk_create(rows)
    created = await Number.filter(msisdn__in=[n.msisdn for n in rows])
    await Balance.bulk_create([Balance(number=n, amount=10000 + n.id) for n in created])
    return created


async def _money_of(owner: Subscriber, numbers: list[Number]) -> None:
    """What the tree's money fields show: four payments a number (so the first page of
    three has a next one), an autopay rule from the owner's card, and an open trust payment
    on every other number."""
    now = datetime.now(UTC)
    card = await PaymentCard.create(
        subscriber=owner,
        brand="visa",
        last4="4242",
        exp_month=12,
        exp_year=2030,
        provider="sandbox",
        provider_token="tok_visa",  # noqa: S106 (the sandbox's test card)
        created_at=now,
    )
    await Payment.bulk_create(
        [
            Payment(
                number=n,
                amount=10000,
                status=PaymentStatus.SUCCEEDED,
                payer_subscriber=owner,
                card=card,
                provider="sandbox",
                idempotency_key=f"bench:{n.id}:{i}",
                request_hash="bench",
                created_at=now - timedelta(days=i),
                updated_at=now,
            )
            for n in numbers
            for i in range(4)
        ]
    )
    await AutopayRule.bulk_create(
        [
            AutopayRule(
                number=n,
                subscriber=owner,
                card=card,
                kind=AutopayKind.THRESHOLD,
                amount=20000,
                threshold=10000,
                created_at=now,
            )
            for n in numbers
        ]
    )
    await TrustPayment.bulk_create(
        [
            TrustPayment(
                number=n,
                amount=50000,
                fee=2500,
                outstanding=50000,
                taken_at=now - timedelta(days=1),
                due_at=now + timedelta(days=2),
            )
            for n in numbers[::2]
        ]
    )


async def seed_family(total_numbers: int, secret_key: str) -> Family:
    """An owner, a top account and a child account with the numbers split between them
    (the top one gets the odd number), one tariff, a balance row per number, and the money
    the tree's money fields show (`_money_of`)."""
    owner = await Subscriber.create(phone="+79000000001", full_name="Bench Owner")
    tariff = await Tariff.create(
        code="basic", name="Базовый", monthly_fee=30000, minutes=300, sms=100, data_mb=5120
    )
    top = await Account.create(name="Family", owner=owner)
    child = await Account.create(name="Children", owner=owner, parent=top)
    in_child = total_numbers // 2
    numbers = await _numbers_in(top, tariff, 1, total_numbers - in_child)
    numbers += await _numbers_in(child, tariff, total_numbers - in_child + 1, in_child)
    await _money_of(owner, numbers)
    services = Services(secret_key=secret_key, counters=DatabaseCounterStore(), sms=_NoSms())
    session = await start_session(
        services, subscriber_id=owner.id, method=SignInMethod.CODE, user_agent="bench", ip=""
    )
    return Family(owner.id, total_numbers, session.access_token)
