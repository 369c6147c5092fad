"""A number with a month of usage, its owner (a Cyrillic name), and every kind of viewer an
export concerns; helpers to run the worker's pass and to download a job's file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from models import (
    AccessGrant,
    AccessLevel,
    Number,
    Subscriber,
    UsageDirection,
    UsageKind,
    UsageRecord,
)
from resolvers.exports.jobs import run_due_exports
from resolvers.services import Services
from tests.support import family
from tests.support.viewers import Viewers

OWNER_NAME = "Анна Петровна Смирнова"
NOW = datetime(2026, 12, 2, 9, tzinfo=UTC)
# November 2026 in Moscow (UTC+3).
NOVEMBER = {"from": "2026-11-01T00:00:00+03:00", "to": "2026-12-01T00:00:00+03:00"}
CALLS, SMS, DATA = 40, 25, 15
CALL_COST, SMS_COST, DATA_COST = 150, 200, 1000  # kopecks each
TOTAL = "260.00"  # CALLS * CALL_COST + SMS * SMS_COST + DATA * DATA_COST kopecks
VIEWER_KINDS = (
    "owner",
    "full_delegate",
    "topup_delegate",
    "partner_with_usage",
    "partner_without_usage",
    "stranger",
)

EXPORT = """
mutation($input: ExportUsageInput!) { exportUsage(input: $input) {
  id msisdn status format progress rowCount contentType url expiresAt errorMessage createdAt } }
"""
EXPORTS = """
{ viewer { exports { id msisdn status format progress rowCount contentType url expiresAt
  availableUntil errorMessage } } }
"""


@dataclass
class World:
    number: Number
    tokens: dict[str, str]
    full_grant: AccessGrant
    subscribers: dict[str, Subscriber] = field(default_factory=dict)  # by viewer kind


def usage(
    number: Number, count: int, kind: UsageKind, cost: int, start: datetime, tag: str = ""
) -> list:
    return [
        UsageRecord(
            external_id=f"w-{number.id}-{kind}-{tag}{i}",
            number=number,
            kind=kind,
            direction=UsageDirection.OUT if i % 2 else UsageDirection.IN,
            counterpart="internet" if kind is UsageKind.DATA else f"+7916{i:07d}",
            started_at=start + timedelta(hours=7 * i, minutes=len(kind.value)),
            duration_seconds=None if kind is UsageKind.SMS else 61 + i,
            bytes=5 * 1024 * 1024 if kind is UsageKind.DATA else None,
            cost=cost,
            roaming_zone="Европа" if i == 3 else None,
        )
        for i in range(count)
    ]


async def build_world(viewers: Viewers) -> World:
    owner = await family.subscriber(OWNER_NAME)
    number = await family.number(await family.account(owner), user=owner)
    start = datetime(2026, 10, 31, 21, 30, tzinfo=UTC)  # 00:30 on 1 November in Moscow
    records = (
        usage(number, CALLS, UsageKind.CALL, CALL_COST, start)
        + usage(number, SMS, UsageKind.SMS, SMS_COST, start)
        + usage(number, DATA, UsageKind.DATA, DATA_COST, start)
    )
    # Outside the period: must not be in the file.
    records += usage(number, 3, UsageKind.CALL, 99_900, start - timedelta(days=3), tag="before-")
    await UsageRecord.bulk_create(records)
    full_delegate = await family.subscriber("Делегат")
    full_grant = await family.grant(number, full_delegate, AccessLevel.FULL, by=owner)
    topup_delegate = await family.subscriber("Родственник")
    await family.grant(number, topup_delegate, AccessLevel.TOPUP, by=owner)
    app = await family.partner_app(["numbers:read", "usage:read"])
    await family.grant(number, app, AccessLevel.FULL, by=owner)
    stranger = await family.subscriber("Посторонний")
    tokens = {
        "owner": await viewers.token_for(owner),
        "full_delegate": await viewers.token_for(full_delegate),
        "topup_delegate": await viewers.token_for(topup_delegate),
        "partner_with_usage": await viewers.partner_token(app, ["numbers:read", "usage:read"]),
        "partner_without_usage": await viewers.partner_token(app, ["numbers:read"]),
        "stranger": await viewers.token_for(stranger),
    }
    subscribers = {"owner": owner, "full_delegate": full_delegate}
    return World(number, tokens, full_grant, subscribers)


def export_input(world: World, format: str, **extra: object) -> dict:
    return {"input": {"msisdn": world.number.msisdn, "format": format, **NOVEMBER, **extra}}


async def work(services: Services) -> list:
    """One pass of the worker's export step, as `kabinet worker --once` runs it."""
    return await run_due_exports(services)
