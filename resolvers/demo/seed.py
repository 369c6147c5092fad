"""Loads the demo family into an empty database, in one transaction."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from models import (
    AccessGrant,
    AccessLevel,
    Account,
    ActorRole,
    Balance,
    LedgerEntry,
    LedgerKind,
    NotificationPreference,
    NotificationTopic,
    Number,
    NumberLimits,
    NumberService,
    Operation,
    OperationKind,
    OperationStatus,
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
from resolvers.demo.home import (
    DEMO_CONTRACTS,
    create_demo_contracts,
    grant_mother_home,
    internet_sessions,
)
from resolvers.demo.support import seed_demo_ticket
from resolvers.demo.tv_charges import tv_package_charges
from resolvers.demo.usage import (
    MONTH,
    build_earlier_usage,
    build_usage_records,
    earlier_months,
)
from resolvers.demo.usage_bulk import insert_usage, rows_of
from resolvers.identity.passwords import hash_password

DEMO_PASSWORD = "demo-password-1"  # noqa: S105 (documented demo credential)
DEMO_LOGIN_ALIAS = "anna"
DEMO_EMAIL = "anna@example.org"
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
    contract_hashes = {demo.key: await hash_password(demo.password) for demo in DEMO_CONTRACTS}
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
        # Анна's settings page is filled in: a login alias, a confirmed e-mail that top-ups
        # are told to as well as by SMS (README, "Notifications and profile").
        people["owner"].login_alias = people["owner"].login_alias_key = DEMO_LOGIN_ALIAS
        people["owner"].contact_email = DEMO_EMAIL
        people["owner"].contact_email_confirmed_at = now
        await people["owner"].save()
        await NotificationPreference.create(
            subscriber=people["owner"], topic=NotificationTopic.TOPUPS, sms=True, email=True
        )

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

        contracts = await create_demo_contracts(
            accounts, people, tariffs, services, contract_hashes, now
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

        # Анна's limits on her son's number: the README shows one refusing his tariff change.
        son_limits = {
            "monthly_spend_cap": 150000,
            "forbidden_service_categories": ["entertainment"],
            "user_may_change_tariff": False,
            "user_may_connect_services": True,
        }
        await NumberLimits.create(
            number=numbers["son"], set_by=people["owner"], updated_at=now, **son_limits
        )
        await Operation.create(
            number=numbers["son"],
            kind=OperationKind.LIMITS,
            status=OperationStatus.COMPLETED,
            details=son_limits,
            actor_role=ActorRole.OWNER,
            actor_subscriber=people["owner"],
            created_at=now,
            finished_at=now,
        )

        rng = random.Random(20261123)  # noqa: S311 (demo data, not security)
        for key, number in numbers.items():
            tariff = tariffs[_tariff_of(key)]
            records = build_usage_records(rng, number, tariff, now)
            # The older months from a stream of their own: the recent ones stay as they were.
            earlier_rng = random.Random(f"20261123-{key}")  # noqa: S311
            earlier = build_earlier_usage(earlier_rng, number, tariff, now)
            low = LOW_BALANCE if key == "son" else None
            await _post_demo_ledger(number, tariff.monthly_fee, records, now, rng, low, earlier)
        for demo in DEMO_CONTRACTS:
            line = contracts[demo.key]
            sessions = internet_sessions(
                random.Random(f"20261123-{demo.key}"),  # noqa: S311
                line,
                demo.contract_number,
                now,
            )
            # The packages' fees come as TV usage charges (what the detail shows), so the
            # monthly fee posted is the tariff's own.
            packages = [(services[c].name, services[c].monthly_fee) for c in demo.packages]
            charges = tv_package_charges(line, demo.contract_number, packages, now, 90)
            fee = tariffs[demo.tariff].monthly_fee
            await _post_demo_ledger(line, fee, [*sessions, *charges], now, rng)
        await seed_demo_ticket(people["owner"], numbers["owner"], now)
        grants = [mother_grant, partner_grant, await grant_mother_home(contracts, people)]
        lines = {**numbers, **contracts}
        await record_demo_history(lines, people, grants, tariffs, services, now)
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


def _earlier_entries(
    number: Number, monthly_fee: int, earlier: Sequence[UsageRecord], now: datetime
) -> list[tuple[datetime, LedgerKind, int, str]]:
    entries: list[tuple[datetime, LedgerKind, int, str]] = []
    for month in earlier_months(number, now):
        start = now - MONTH * month
        charged = sum(r.cost for r in earlier if start <= r.started_at < start + MONTH)
        entries.append((start, LedgerKind.TOPUP, monthly_fee + charged, "Top-up"))
        entries.append((start + timedelta(hours=1), LedgerKind.FEE, -monthly_fee, "Monthly fee"))
    entries += [(r.started_at, LedgerKind.CHARGE, -r.cost, "Usage") for r in earlier if r.cost]
    return entries


def _tariff_of(number_key: str) -> str:
    return next(row[3] for row in _NUMBERS if row[0] == number_key)


async def _post_demo_ledger(
    number: Number,
    monthly_fee: int,
    records: list[Any],
    now: datetime,
    rng: random.Random,
    end_balance: int | None = None,
    earlier: Sequence[UsageRecord] = (),
) -> None:
    """A year of top-ups, fees and usage charges; the balance is their sum. Each older
    month's top-up pays exactly its fee and charges, so the recent three months start from
    a zero balance as they did before the older months were added."""
    await insert_usage(rows_of(number.id, [*earlier, *records]))
    entries = _earlier_entries(number, monthly_fee, earlier, now)
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
                idempotency_key=f"demo:{number.msisdn or f'line-{number.id}'}:{i}",
                reason=reason,
                created_at=at,
            )
        )
    await LedgerEntry.bulk_create(rows, batch_size=500)
    await Balance.create(number=number, amount=balance)
