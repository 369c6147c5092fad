"""A busy demo number for benchmarks: `kabinet seed --demo --usage-records N`."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from models import Account, Balance, Number, Subscriber, Tariff, UsageRecord
from resolvers.demo.seed import DEMO_PHONES
from resolvers.demo.usage_bulk import busy_number_usage, insert_usage

BUSY_PHONE = "+79990000010"
BUSY_LABEL = "Нагрузка"
MAX_RECORDS = 10_000_000


class DemoNotLoaded(Exception):
    pass


async def seed_busy_number(count: int, now: datetime | None = None) -> Number:
    """The demo owner's number BUSY_PHONE, made if missing, with exactly `count` usage
    records spread over the year before `now` (its earlier records replaced). One
    transaction: a run stopped half way leaves the number as it was."""
    now = now or datetime.now(UTC)
    owner = await Subscriber.get_or_none(phone=DEMO_PHONES["owner"])
    if owner is None:
        raise DemoNotLoaded("load the demo first: kabinet seed --demo")
    async with in_transaction():
        number = await Number.get_or_none(msisdn=BUSY_PHONE)
        if number is None:
            family = await Account.get(owner=owner, parent=None)
            number = await Number.create(
                msisdn=BUSY_PHONE,
                label=BUSY_LABEL,
                account=family,
                user=owner,
                tariff=await Tariff.get(code="smart"),
                activated_at=now.replace(year=now.year - 2),
            )
            await Balance.create(number=number, amount=0)
        await UsageRecord.filter(number_id=number.id).delete()
        await insert_usage(busy_number_usage(number.id, number.msisdn, count, now))
    return number
