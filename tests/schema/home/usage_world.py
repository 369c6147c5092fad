"""A home contract with a November of internet sessions and TV package charges, a phone
number beside it in the same account, and every kind of viewer its detail concerns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from strawberry.relay import to_base64

from models import (
    AccessLevel,
    HomeContract,
    Number,
    Subscriber,
    UsageDirection,
    UsageKind,
    UsageRecord,
)
from tests.schema.exports.world import NOVEMBER, OWNER_NAME
from tests.support import family
from tests.support.viewers import Viewers

MB = 1024 * 1024
# Internet sessions: (start, bytes, seconds). Two fall either side of midnight in Moscow on
# 5/6 November (both on 6 November in Yekaterinburg, UTC+5).
SESSIONS = (
    (datetime(2026, 11, 1, 7, tzinfo=UTC), 300 * MB, 3600),
    (datetime(2026, 11, 1, 17, tzinfo=UTC), 700 * MB, 7200),
    (datetime(2026, 11, 5, 20, 50, tzinfo=UTC), 100 * MB, 600),
    (datetime(2026, 11, 5, 21, 10, tzinfo=UTC), 200 * MB, 1200),
    (datetime(2026, 11, 20, 12, tzinfo=UTC), 1024 * MB, 10800),
)
# TV package charges: (start, package, kopecks).
TV_CHARGES = (
    (datetime(2026, 11, 1, 0, 5, tzinfo=UTC), "Кино и сериалы", 19900),
    (datetime(2026, 11, 1, 0, 6, tzinfo=UTC), "Спорт", 29900),
)
DAILY_IN_MOSCOW = [
    {"day": "2026-11-01", "bytes": 1000 * MB, "sessions": 2, "seconds": 10800},
    {"day": "2026-11-05", "bytes": 100 * MB, "sessions": 1, "seconds": 600},
    {"day": "2026-11-06", "bytes": 200 * MB, "sessions": 1, "seconds": 1200},
    {"day": "2026-11-20", "bytes": 1024 * MB, "sessions": 1, "seconds": 10800},
]
USAGE = """
query($id: ID!, $filter: UsageFilter!, $first: Int! = 20) {
  node(id: $id) { __typename ... on HomeContract { contractNumber
    usage(filter: $filter, first: $first) {
      edges { node { kind direction counterpart startedAt durationSeconds bytes
                     cost { amount currency } } }
      totals { kind count seconds bytes cost { amount } }
      dailyTraffic { day bytes sessions seconds }
      timeZone
    } } }
}
"""
EXPORT = """
mutation($input: ExportUsageInput!) { exportUsage(input: $input) {
  id msisdn contractNumber status format rowCount url } }
"""
EXPORTS = "{ viewer { exports { id msisdn contractNumber status rowCount url } } }"


@dataclass
class World:
    contract: Number  # its line
    contract_number: str
    address: str
    phone: Number  # a phone number in the same account
    tokens: dict[str, str]
    subscribers: dict[str, Subscriber]

    @property
    def id(self) -> str:
        return to_base64("HomeContract", self.contract.id)


def contract_usage(line: Number, tag: str = "") -> list[UsageRecord]:
    """The November of SESSIONS and TV_CHARGES on a contract's line, and one session in
    October (outside every window of the tests)."""
    sessions = [
        UsageRecord(
            external_id=f"home-{line.id}-data-{tag}{i}",
            number=line,
            kind=UsageKind.DATA,
            direction=UsageDirection.OUT,
            counterpart="internet",
            started_at=at,
            duration_seconds=seconds,
            bytes=size,
            cost=0,
        )
        for i, (at, size, seconds) in enumerate(SESSIONS)
    ]
    charges = [
        UsageRecord(
            external_id=f"home-{line.id}-tv-{tag}{i}",
            number=line,
            kind=UsageKind.TV,
            direction=UsageDirection.OUT,
            counterpart=package,
            started_at=at,
            cost=cost,
        )
        for i, (at, package, cost) in enumerate(TV_CHARGES)
    ]
    october = UsageRecord(
        external_id=f"home-{line.id}-october-{tag}",
        number=line,
        kind=UsageKind.DATA,
        direction=UsageDirection.OUT,
        counterpart="internet",
        started_at=datetime(2026, 10, 31, 20, tzinfo=UTC),
        duration_seconds=60,
        bytes=999 * MB,
    )
    return [*sessions, *charges, october]


async def build_world(viewers: Viewers) -> World:
    owner = await family.subscriber(OWNER_NAME)
    account = await family.account(owner)
    user = await family.subscriber("Жилец")
    contract = await family.home_contract(account, user=user, label="Дом")
    phone = await family.number(account, user=owner)
    await UsageRecord.bulk_create(contract_usage(contract))
    full_delegate = await family.subscriber("Делегат")
    await family.grant(contract, full_delegate, AccessLevel.FULL, by=owner)
    topup_delegate = await family.subscriber("Родственник")
    await family.grant(contract, topup_delegate, AccessLevel.TOPUP, by=owner)
    app = await family.partner_app(["numbers:read", "usage:read"])
    await family.grant(contract, app, AccessLevel.FULL, by=owner)
    stranger = await family.subscriber("Посторонний")
    tokens = {
        "owner": await viewers.token_for(owner),
        "user": await viewers.token_for(user),
        "full_delegate": await viewers.token_for(full_delegate),
        "topup_delegate": await viewers.token_for(topup_delegate),
        "partner_with_usage": await viewers.partner_token(app, ["numbers:read", "usage:read"]),
        "partner_without_usage": await viewers.partner_token(app, ["numbers:read"]),
        "stranger": await viewers.token_for(stranger),
    }
    home = await HomeContract.get(line_id=contract.id)
    subscribers = {"owner": owner, "user": user, "full_delegate": full_delegate}
    return World(contract, home.contract_number, home.address, phone, tokens, subscribers)


def usage_of(world: World, **more: object) -> dict[str, object]:
    return {"id": world.id, "filter": {**NOVEMBER, **more}}


def export_of(world: World, format: str, **more: object) -> dict[str, object]:
    return {
        "input": {"contractNumber": world.contract_number, "format": format, **NOVEMBER, **more}
    }
