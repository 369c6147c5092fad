"""Monthly tariff and service fees. Each fee's ledger key names the month, the number and
what is charged, so running the job again for the same month charges nothing twice."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.transactions import in_transaction

from models import LedgerKind, Number, NumberService, NumberStatus, Service, Tariff
from resolvers.money import ledger
from resolvers.notifications.money import balance_moved

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass
class FeeRun:
    month: str
    numbers: int = 0
    fees_posted: int = 0
    already_charged: int = 0
    charged_numbers: set[int] = field(default_factory=set)  # their balance moved


def current_month(now: datetime) -> str:
    return f"{now.year:04d}-{now.month:02d}"


async def charge_month(month: str, now: datetime) -> FeeRun:
    if not MONTH.match(month):
        raise ValueError(f"month must look like 2026-11, not {month!r}")
    run = FeeRun(month)
    tariffs = {t.id: t for t in await Tariff.all()}
    services = {s.id: s for s in await Service.all()}
    connected: dict[int, list[int]] = {}
    for number_id, service_id in await NumberService.all().values_list("number_id", "service_id"):
        connected.setdefault(number_id, []).append(service_id)
    for number in await Number.filter(status=NumberStatus.ACTIVE).order_by("id"):
        run.numbers += 1
        fees = [("tariff", tariffs[number.tariff_id].monthly_fee, tariffs[number.tariff_id].name)]
        fees += [
            (f"service:{sid}", services[sid].monthly_fee, services[sid].name)
            for sid in connected.get(number.id, [])
        ]
        for what, amount, name in fees:
            if amount <= 0:
                continue
            key = f"fee:{month}:{number.id}:{what}"
            async with in_transaction():
                entry, created = await ledger.post(
                    ledger.Posting(
                        number_id=number.id,
                        kind=LedgerKind.FEE,
                        amount=-amount,
                        currency="RUB",
                        idempotency_key=key,
                        reason=f"Monthly fee {month}: {name}",
                    ),
                    now,
                )
                if created:
                    await balance_moved(entry)
            if created:
                run.fees_posted += 1
                run.charged_numbers.add(number.id)
            else:
                run.already_charged += 1
    return run
