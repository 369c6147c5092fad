"""One family tree of N numbers and a real access token for its owner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from gateway.counters import DatabaseCounterStore
from models import Account, Balance, Number, SignInMethod, Subscriber, Tariff
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


async def _numbers_in(account: Account, tariff: Tariff, first: int, how_many: int) -> None:
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


async def seed_family(total_numbers: int, secret_key: str) -> Family:
    """An owner, a top account and a child account with the numbers split between them
    (the top one gets the odd number), one tariff, a balance row per number."""
    owner = await Subscriber.create(phone="+79000000001", full_name="Bench Owner")
    tariff = await Tariff.create(
        code="basic", name="Базовый", monthly_fee=30000, minutes=300, sms=100, data_mb=5120
    )
    top = await Account.create(name="Family", owner=owner)
    child = await Account.create(name="Children", owner=owner, parent=top)
    in_child = total_numbers // 2
    await _numbers_in(top, tariff, 1, total_numbers - in_child)
    await _numbers_in(child, tariff, total_numbers - in_child + 1, in_child)
    services = Services(secret_key=secret_key, counters=DatabaseCounterStore(), sms=_NoSms())
    session = await start_session(
        services, subscriber_id=owner.id, method=SignInMethod.CODE, user_agent="bench", ip=""
    )
    return Family(owner.id, total_numbers, session.access_token)
