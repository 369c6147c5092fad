"""One number with a usage history, and every kind of viewer its detail concerns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models import AccessLevel, Number, UsageRecord
from tests.resolvers.usage_detail.world import record, stored
from tests.support import family
from tests.support.viewers import Viewers

USAGE = """
query($m: String!, $filter: UsageFilter!, $first: Int! = 20, $after: String) {
  number(msisdn: $m) { usage(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id kind direction counterpart startedAt durationSeconds bytes
                          cost { amount currency } roamingZone } }
    pageInfo { hasNextPage endCursor }
    timeZone
  } }
}
"""
TOTALS = """
query($m: String!, $filter: UsageFilter!) {
  number(msisdn: $m) { usage(filter: $filter, first: 1) {
    totals { kind count seconds bytes cost { amount currency } }
  } }
}
"""
VIEWER_KINDS = (
    "owner",
    "user",
    "full_delegate",
    "topup_delegate",
    "partner_with_usage",
    "partner_without_usage",
    "stranger",
    "anonymous",
)


@dataclass
class World:
    number: Number
    tokens: dict[str, str | None]

    async def add(self, records: list[UsageRecord]) -> list[UsageRecord]:
        return (await stored(self.number, records)).records

    def at(self, started_at: datetime, **fields: object) -> UsageRecord:
        return record(self.number, started_at, **fields)  # type: ignore[arg-type]


async def build_world(viewers: Viewers) -> World:
    owner = await family.subscriber("Owner")
    top = await family.account(owner)
    user = await family.subscriber("User")
    number = await family.number(await family.account(owner, parent=top), user=user)
    full_delegate = await family.subscriber("Delegate")
    await family.grant(number, full_delegate, AccessLevel.FULL, by=owner)
    topup_delegate = await family.subscriber("Relative")
    await family.grant(number, topup_delegate, AccessLevel.TOPUP, by=owner)
    app = await family.partner_app(["numbers:read", "usage:read", "balance:read"])
    await family.grant(number, app, AccessLevel.FULL, by=owner)
    tokens = {
        "owner": await viewers.token_for(owner),
        "user": await viewers.token_for(user),
        "full_delegate": await viewers.token_for(full_delegate),
        "topup_delegate": await viewers.token_for(topup_delegate),
        "partner_with_usage": await viewers.partner_token(app, ["numbers:read", "usage:read"]),
        "partner_without_usage": await viewers.partner_token(app, ["numbers:read"]),
        "stranger": await viewers.token_for(await family.subscriber("Stranger")),
        "anonymous": None,
    }
    return World(number, tokens)


def window(since: datetime, until: datetime, **more: object) -> dict[str, object]:
    return {"from": since.isoformat(), "to": until.isoformat(), **more}
