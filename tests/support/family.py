"""Builds subscribers, account trees and numbers directly in the database for tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count

from models import (
    AccessGrant,
    AccessLevel,
    Account,
    Balance,
    CatalogSegment,
    GrantSource,
    HomeContract,
    LedgerEntry,
    LedgerKind,
    LineKind,
    Number,
    PartnerApp,
    Subscriber,
    Tariff,
)

_phones = count(1)
_contracts = count(1)


def next_phone() -> str:
    return f"+7990{next(_phones):07d}"


async def subscriber(name: str = "", phone: str | None = None) -> Subscriber:
    return await Subscriber.create(phone=phone or next_phone(), full_name=name)


async def tariff() -> Tariff:
    existing = await Tariff.first()
    return existing or await Tariff.create(
        code="basic", name="Базовый", monthly_fee=30000, minutes=300, sms=100, data_mb=5120
    )


async def account(owner: Subscriber, parent: Account | None = None, name: str = "") -> Account:
    return await Account.create(
        name=name or f"Account of {owner.phone}", owner=owner, parent=parent
    )


async def number(
    in_account: Account, user: Subscriber | None = None, balance: int = 10000, label: str = ""
) -> Number:
    created = await Number.create(
        msisdn=next_phone(),
        label=label,
        account=in_account,
        user=user,
        tariff=await tariff(),
        activated_at=datetime.now(UTC) - timedelta(days=100),
    )
    await _opening_balances([created], balance)
    return created


async def numbers_in(in_account: Account, how_many: int, balance: int = 10000) -> list[Number]:
    plan = await tariff()
    rows = [
        Number(
            msisdn=next_phone(),
            account=in_account,
            tariff=plan,
            activated_at=datetime.now(UTC) - timedelta(days=100),
        )
        for _ in range(how_many)
    ]
    await Number.bulk_create(rows)
    created = await Number.filter(msisdn__in=[n.msisdn for n in rows])
    await _opening_balances(created, balance)
    return created


async def home_tariff() -> Tariff:
    existing = await Tariff.get_or_none(code="home-100")
    return existing or await Tariff.create(
        code="home-100",
        name="Домашний 100",
        monthly_fee=50000,
        segment=CatalogSegment.HOME,
        speed_mbps=100,
        minutes=0,
        sms=0,
        data_mb=None,
    )


def next_contract_number() -> str:
    return f"77{next(_contracts):08d}"


async def home_contract(
    in_account: Account,
    user: Subscriber | None = None,
    balance: int = 10000,
    label: str = "",
    password_hash: str | None = None,
) -> Number:
    """A home contract (internet and TV) at an address: its line and its contract row."""
    [line] = await home_contracts_in(in_account, 1, balance, user, label, password_hash)
    return line


async def home_contracts_in(
    in_account: Account,
    how_many: int,
    balance: int = 10000,
    user: Subscriber | None = None,
    label: str = "",
    password_hash: str | None = None,
) -> list[Number]:
    plan = await home_tariff()
    now = datetime.now(UTC)
    numbers = [next_contract_number() for _ in range(how_many)]
    lines = [
        Number(
            kind=LineKind.HOME,
            msisdn=None,
            label=label,
            account=in_account,
            user=user,
            tariff=plan,
            activated_at=now - timedelta(days=100),
        )
        for _ in numbers
    ]
    await Number.bulk_create(lines)
    # bulk_create gives no ids on every backend: find the new lines by their account and
    # kind, newest last, and pair them with the contract numbers in order.
    taken = set(
        await HomeContract.filter(line__account=in_account).values_list("line_id", flat=True)
    )
    made = await Number.filter(account=in_account, kind=LineKind.HOME).order_by("id")
    made = [n for n in made if n.id not in taken]
    await HomeContract.bulk_create(
        [
            HomeContract(
                line=line,
                contract_number=contract_number,
                login=f"Home{contract_number}",
                login_key=f"home{contract_number}",
                password_hash=password_hash,
                address=f"Москва, ул. Тестовая, д. {contract_number[-3:]}",
                internet=True,
                tv=True,
                connected_at=now - timedelta(days=100),
            )
            for line, contract_number in zip(made, numbers, strict=True)
        ]
    )
    await _opening_balances(made, balance)
    return made


async def _opening_balances(numbers: list[Number], amount: int) -> None:
    """Balances start from a ledger entry, so balance == sum(entries) holds in every test."""
    await Balance.bulk_create([Balance(number=n, amount=amount) for n in numbers])
    await LedgerEntry.bulk_create(
        [
            LedgerEntry(
                number=n,
                kind=LedgerKind.ADJUSTMENT,
                amount=amount,
                balance_after=amount,
                idempotency_key=f"opening:{n.id}",
                reason="Opening balance",
            )
            for n in numbers
        ]
    )


async def grant(
    on: Number,
    to: Subscriber | PartnerApp,
    level: AccessLevel,
    by: Subscriber,
    expires_at: datetime | None = None,
    revoked_at: datetime | None = None,
) -> AccessGrant:
    grantee = {"grantee_subscriber": to} if isinstance(to, Subscriber) else {"grantee_partner": to}
    return await AccessGrant.create(
        number=on,
        granted_by=by,
        level=level,
        expires_at=expires_at,
        revoked_at=revoked_at,
        source=GrantSource.DIRECT,
        **grantee,
    )


async def partner_app(scopes: list[str], name: str = "Partner") -> PartnerApp:
    return await PartnerApp.create(
        name=name, client_id=f"pa_{next(_phones)}", secret_hash="x", allowed_scopes=scopes
    )


@dataclass
class Tree:
    owner: Subscriber
    accounts: list[Account] = field(default_factory=list)
    numbers: list[Number] = field(default_factory=list)
    contracts: list[Number] = field(default_factory=list)  # home contracts' lines


async def family_tree(total_numbers: int, depth: int = 2) -> Tree:
    """An owner's account with `depth` levels of child accounts, numbers spread over them."""
    owner = await subscriber("Owner")
    tree = Tree(owner)
    parent = None
    for level in range(depth):
        parent = await account(owner, parent, name=f"Level {level}")
        tree.accounts.append(parent)
    per_account, extra = divmod(total_numbers, depth)
    for i, acc in enumerate(tree.accounts):
        tree.numbers += await numbers_in(acc, per_account + (1 if i < extra else 0))
    return tree
