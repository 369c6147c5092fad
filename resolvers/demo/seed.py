"""Loads the demo family into an empty database, in one transaction."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from models import (
    AccessGrant,
    AccessLevel,
    Account,
    Balance,
    LedgerEntry,
    LedgerKind,
    Number,
    NumberService,
    PartnerApp,
    Service,
    ServiceExclusion,
    ServiceTariff,
    Subscriber,
    Tariff,
    UsageRecord,
)
from resolvers.demo.catalog import SERVICE_EXCLUSIONS, SERVICE_TARIFFS, SERVICES, TARIFFS
from resolvers.demo.history import record_demo_history
from resolvers.demo.usage import build_usage_records
from resolvers.identity.passwords import hash_password

DEMO_PASSWORD = "demo-password-1"  # noqa: S105 (documented demo credential)
DEMO_PARTNER_CLIENT_ID = "demo-partner"
DEMO_PARTNER_SECRET = "demo-partner-secret"  # noqa: S105 (documented, dev only)
DEMO_PARTNER_SCOPES = ["numbers:read", "balance:read", "usage:read", "topup", "manage"]

# Ваня's number ends low (45.00 RUB), so a trust payment is on offer in the demo.
LOW_BALANCE = 4500

DEMO_PHONES = {
    "owner": "+79990000001",
    "daughter": "+79990000002",
    "son": "+79990000003",
    "tablet": "+79990000004",
    "mother": "+79990000005",
    "stranger": "+79990000009",
}

# (phone key, full name)
_PEOPLE = [
    ("owner", "Анна Петрова"),
    ("daughter", "Маша Петрова"),
    ("son", "Ваня Петров"),
    ("mother", "Ольга Иванова"),
    ("stranger", "Пётр Сидоров"),
]

# (phone key, account key, user key, tariff code, label, days active, services)
_NUMBERS = [
    ("owner", "family", "owner", "family", "Мой номер", 730, ["caller-id", "anti-spam"]),
    ("daughter", "children", "daughter", "kids", "Маша", 400, ["parental-control", "location"]),
    ("son", "children", "son", "kids", "Ваня", 90, ["parental-control", "content-ban"]),
    ("tablet", "family", None, "data-sim", "Планшет", 200, ["extra-10gb"]),
    ("mother", "mother", "mother", "senior", "Мама", 1900, ["caller-id"]),
    ("stranger", "stranger", "stranger", "smart", "", 1100, ["music"]),
]


async def seed_demo(now: datetime | None = None) -> bool:
    """Loads the demo data; returns False (and changes nothing) if the database has data."""
    now = now or datetime.now(UTC)
    if await Subscriber.exists():
        return False
    password_hash = await hash_password(DEMO_PASSWORD)
    partner_secret_hash = await hash_password(DEMO_PARTNER_SECRET)
    async with in_transaction():
        # Re-checked inside the transaction: two seeders racing must not both load.
        if await Subscriber.exists():
            return False
        tariffs, services = await create_demo_catalogue()
        people = {
            key: await Subscriber.create(phone=DEMO_PHONES[key], full_name=name)
            for key, name in _PEOPLE
        }
        people["owner"].password_hash = password_hash
        await people["owner"].save(update_fields=["password_hash"])

        family = await Account.create(name="Семья Петровых", owner=people["owner"])
        accounts = {
            "family": family,
            "children": await Account.create(name="Дети", owner=people["owner"], parent=family),
            "mother": await Account.create(name="Ольга Иванова", owner=people["mother"]),
            "stranger": await Account.create(name="Пётр Сидоров", owner=people["stranger"]),
        }
        numbers: dict[str, Number] = {}
        for key, account_key, user_key, tariff_code, label, days, service_codes in _NUMBERS:
            activated_at = now - timedelta(days=days)
            number = await Number.create(
                msisdn=DEMO_PHONES[key],
                label=label,
                account=accounts[account_key],
                user=people[user_key] if user_key else None,
                tariff=tariffs[tariff_code],
                activated_at=activated_at,
            )
            numbers[key] = number
            await NumberService.bulk_create(
                [
                    NumberService(number=number, service=services[code], connected_at=activated_at)
                    for code in service_codes
                ]
            )

        partner = await PartnerApp.create(
            name="Demo Partner",
            client_id=DEMO_PARTNER_CLIENT_ID,
            secret_hash=partner_secret_hash,
            allowed_scopes=DEMO_PARTNER_SCOPES,
        )
        mother_grant = await AccessGrant.create(
            number=numbers["mother"],
            granted_by=people["mother"],
            grantee_subscriber=people["owner"],
            level=AccessLevel.TOPUP,
            topup_monthly_limit=300000,
        )
        partner_grant = await AccessGrant.create(
            number=numbers["daughter"],
            granted_by=people["owner"],
            grantee_partner=partner,
            level=AccessLevel.TOPUP,
            topup_monthly_limit=200000,
        )

        rng = random.Random(20261123)  # noqa: S311 (demo data, not security)
        for key, number in numbers.items():
            tariff = tariffs[_tariff_of(key)]
            records = build_usage_records(rng, number, tariff, now)
            low = LOW_BALANCE if key == "son" else None
            await _post_demo_ledger(number, tariff.monthly_fee, records, now, rng, low)
        grants = [mother_grant, partner_grant]
        await record_demo_history(numbers, people, grants, tariffs, services, now)
    return True


async def create_demo_catalogue() -> tuple[dict[str, Tariff], dict[str, Service]]:
    """The demo tariffs and services with their links, by code."""
    tariffs = {t["code"]: await Tariff.create(sort_order=i, **t) for i, t in enumerate(TARIFFS)}
    services = {s["code"]: await Service.create(**s) for s in SERVICES}
    await ServiceTariff.bulk_create(
        [
            ServiceTariff(service=services[service], tariff=tariffs[tariff])
            for service, fits in SERVICE_TARIFFS.items()
            for tariff in fits
        ]
    )
    await ServiceExclusion.bulk_create(
        [
            ServiceExclusion(service=services[one], excluded=services[other])
            for one, other in SERVICE_EXCLUSIONS
        ]
    )
    return tariffs, services


def _tariff_of(number_key: str) -> str:
    return next(row[3] for row in _NUMBERS if row[0] == number_key)


async def _post_demo_ledger(
    number: Number,
    monthly_fee: int,
    records: list[Any],
    now: datetime,
    rng: random.Random,
    end_balance: int | None = None,
) -> None:
    """Three months of top-ups, fees and usage charges; the balance is their sum."""
    await UsageRecord.bulk_create(records, batch_size=500)
    entries: list[tuple[datetime, LedgerKind, int, str]] = []
    # The first top-up covers the usage charges too, so every demo balance ends positive.
    extra = sum(r.cost for r in records)
    for month in (3, 2, 1):
        start = now - timedelta(days=30 * month)
        topup = monthly_fee + extra + rng.randint(1, 40) * 1000
        entries.append((start, LedgerKind.TOPUP, topup, "Top-up"))
        extra = 0
        entries.append((start + timedelta(hours=1), LedgerKind.FEE, -monthly_fee, "Monthly fee"))
    entries += [(r.started_at, LedgerKind.CHARGE, -r.cost, "Usage") for r in records if r.cost]
    entries.sort(key=lambda entry: entry[0])
    if end_balance is not None:
        # A last purchase that leaves the balance low: the trust-payment demo needs one.
        spent = sum(entry[2] for entry in entries) - end_balance
        entries.append((now - timedelta(days=1), LedgerKind.CHARGE, -spent, "Игра в магазине"))
    balance = 0
    rows = []
    for i, (at, kind, amount, reason) in enumerate(entries):
        balance += amount
        rows.append(
            LedgerEntry(
                number=number,
                kind=kind,
                amount=amount,
                balance_after=balance,
                idempotency_key=f"demo:{number.msisdn}:{i}",
                reason=reason,
                created_at=at,
            )
        )
    await LedgerEntry.bulk_create(rows, batch_size=500)
    await Balance.create(number=number, amount=balance)
