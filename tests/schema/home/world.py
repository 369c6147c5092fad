"""A home contract (internet and TV) on a small home catalogue, beside a phone number, and
every kind of viewer an operation on the contract concerns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from models import (
    CatalogSegment,
    HomeContract,
    Number,
    Service,
    Subscriber,
    Tariff,
)
from tests.schema.operations.world import viewer_tokens
from tests.support import family
from tests.support.viewers import Viewers

# As for numbers (tests/schema/operations/world.py): activated on the 1st, half of the
# period (Nov 1 to Dec 1) left.
ACTIVATED_AT = datetime(2026, 1, 1, 9, tzinfo=UTC)
NOW = datetime(2026, 11, 16, tzinfo=UTC)
PERIOD_END = datetime(2026, 12, 1, tzinfo=UTC)
# (viewer kind, the actor role it acts as) for those who may act on the contract.
MAY_ACT = (
    ("owner", "OWNER"),
    ("user", "NUMBER_USER"),
    ("full_delegate", "DELEGATE"),
    ("partner_with_manage", "PARTNER_APP"),
)
# (viewer kind, the error code it gets) for those who may not.
MAY_NOT_ACT = (
    ("topup_delegate", "FORBIDDEN"),
    ("partner_without_manage", "FORBIDDEN"),
    ("stranger", "NOT_FOUND"),
    ("anonymous", "UNAUTHENTICATED"),
)


@dataclass
class HomeWorld:
    contract: Number  # the contract's line
    contract_number: str
    phone: Number  # a phone number in the same account
    owner: Subscriber
    tariffs: dict[str, Tariff]
    services: dict[str, Service]
    tokens: dict[str, str | None]


async def home_catalogue() -> tuple[dict[str, Tariff], dict[str, Service]]:
    mobile = await family.tariff()  # first: family.number() takes the first tariff
    home_100 = await family.home_tariff()
    home_500 = await Tariff.create(
        code="home-500-tv",
        name="Домашний 500 + ТВ",
        monthly_fee=90000,
        segment=CatalogSegment.HOME,
        speed_mbps=500,
        tv_channels=200,
        minutes=0,
        sms=0,
        data_mb=None,
    )
    kino = await Service.create(
        code="tv-kino",
        name="Кино",
        category="TV_PACKAGE",
        segment=CatalogSegment.HOME,
        monthly_fee=29900,
        connection_fee=0,
        minutes=0,
        sms=0,
        data_mb=0,
    )
    static_ip = await Service.create(
        code="static-ip",
        name="Постоянный IP-адрес",
        category="internet",
        segment=CatalogSegment.HOME,
        monthly_fee=15000,
        connection_fee=10000,
        minutes=0,
        sms=0,
        data_mb=0,
    )
    anti_spam = await Service.create(
        code="anti-spam",
        name="Антиспам",
        category="calls",
        monthly_fee=0,
        connection_fee=0,
        minutes=0,
        sms=0,
        data_mb=0,
    )
    tariffs = {"home-100": home_100, "home-500-tv": home_500, "basic": mobile}
    services = {"tv-kino": kino, "static-ip": static_ip, "anti-spam": anti_spam}
    return tariffs, services


async def build_home_world(viewers: Viewers, balance: int = 100_000) -> HomeWorld:
    tariffs, services = await home_catalogue()
    owner = await family.subscriber("Owner")
    top = await family.account(owner)
    child_account = await family.account(owner, parent=top)
    user = await family.subscriber("User")
    contract = await family.home_contract(child_account, user=user, balance=balance)
    contract.activated_at = ACTIVATED_AT
    await contract.save(update_fields=["activated_at"])
    phone = await family.number(top, user=owner, balance=balance)
    tokens = await viewer_tokens(viewers, contract, owner, user)
    contract_number = (await HomeContract.get(line_id=contract.id)).contract_number
    return HomeWorld(contract, contract_number, phone, owner, tariffs, services, tokens)
