"""The demo's home internet and TV contracts: Анна's at her address (internet and TV, two TV
packages) in the family account, and Ольга's own (internet only), on which she gave Анна a
TOPUP grant; four months of internet sessions on each."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from models import (
    AccessGrant,
    AccessLevel,
    Account,
    HomeContract,
    LineKind,
    Number,
    NumberService,
    Service,
    Subscriber,
    Tariff,
    UsageDirection,
    UsageKind,
    UsageRecord,
)

GB = 1024**3
HOME_DAYS = 120  # four months of sessions


@dataclass(frozen=True)
class DemoContract:
    key: str  # the line's key among the demo's lines (its history's payer)
    account: str  # the demo account holding it
    user: str | None  # who uses it; None: the account's owner holds it
    contract_number: str
    login: str
    password: str
    address: str
    tariff: str
    packages: tuple[str, ...]
    tv: bool
    label: str
    days: int  # since connected


DEMO_CONTRACTS = (
    DemoContract(
        key="home",
        account="family",
        user=None,
        contract_number="100200300",
        login="Petrova-Home",
        password="demo-home-1",  # noqa: S106 (documented demo credential)
        address="Москва, ул. Лесная, д. 5, кв. 12",
        tariff="home-500-tv",
        packages=("tv-kino", "tv-kids"),
        tv=True,
        label="Дом",
        days=400,
    ),
    DemoContract(
        key="mother-home",
        account="mother",
        user="mother",
        contract_number="100200400",
        login="Ivanova-Home",
        password="demo-home-2",  # noqa: S106 (documented demo credential)
        address="Тула, ул. Садовая, д. 7, кв. 3",
        tariff="home-100",
        packages=(),
        tv=False,
        label="Интернет мамы",
        days=900,
    ),
)


async def create_demo_contracts(
    accounts: dict[str, Account],
    people: dict[str, Subscriber],
    tariffs: dict[str, Tariff],
    services: dict[str, Service],
    password_hashes: dict[str, str],
    now: datetime,
) -> dict[str, Number]:
    """The contracts' lines by key, with their contract rows and TV packages."""
    lines: dict[str, Number] = {}
    for demo in DEMO_CONTRACTS:
        connected_at = now - timedelta(days=demo.days)
        line = await Number.create(
            kind=LineKind.HOME,
            msisdn=None,
            label=demo.label,
            account=accounts[demo.account],
            user=people[demo.user] if demo.user else None,
            tariff=tariffs[demo.tariff],
            activated_at=connected_at,
        )
        await HomeContract.create(
            line=line,
            contract_number=demo.contract_number,
            login=demo.login,
            login_key=demo.login.lower(),
            password_hash=password_hashes[demo.key],
            address=demo.address,
            internet=True,
            tv=demo.tv,
            connected_at=connected_at,
        )
        await NumberService.bulk_create(
            [
                NumberService(number=line, service=services[code], connected_at=connected_at)
                for code in demo.packages
            ]
        )
        lines[demo.key] = line
    return lines


async def grant_mother_home(lines: dict[str, Number], people: dict[str, Subscriber]) -> AccessGrant:
    """Ольга lets Анна top up her home internet, up to 2,000.00 RUB a month."""
    return await AccessGrant.create(
        number=lines["mother-home"],
        granted_by=people["mother"],
        grantee_subscriber=people["owner"],
        level=AccessLevel.TOPUP,
        topup_monthly_limit=200000,
    )


def internet_sessions(
    rng: random.Random, line: Number, contract_number: str, now: datetime
) -> list[UsageRecord]:
    """A few sessions a day, evenings heavier, for the last four months; home internet is
    unlimited, so they cost nothing."""
    records: list[UsageRecord] = []
    for back in range(HOME_DAYS, 0, -1):
        day = (now - timedelta(days=back)).replace(hour=0, minute=0, second=0, microsecond=0)
        for _ in range(rng.randint(2, 6)):
            start = day + timedelta(seconds=rng.randint(7 * 3600, 23 * 3600))
            records.append(
                UsageRecord(
                    number=line,
                    kind=UsageKind.DATA,
                    direction=UsageDirection.OUT,
                    counterpart="internet",
                    started_at=start,
                    duration_seconds=rng.randint(600, 4 * 3600),
                    bytes=rng.randint(50, 4000) * 1024 * 1024,
                    cost=0,
                )
            )
    for i, record in enumerate(records):
        record.external_id = f"demo-home-{contract_number}-{i:05d}"
    return records
