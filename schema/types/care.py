"""A number's care in the API: its block, call forwarding and the owner's limits."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from resolvers.care.limits import Limits
from resolvers.reach import NumberRow
from schema.types.money import Money


@strawberry.enum(
    description="VOLUNTARY: a pause of at most 90 days, lifted when it ends. "
    "LOST: a lost or stolen SIM, blocked until someone unblocks it."
)
class BlockReason(Enum):
    VOLUNTARY = "VOLUNTARY"
    LOST = "LOST"


@strawberry.type(description="The block in force on a number.")
class NumberBlock:
    reason: BlockReason
    since: datetime
    until: datetime | None = strawberry.field(
        description="When a voluntary block lifts itself; null for a lost SIM."
    )

    @classmethod
    def of(cls, row: NumberRow) -> NumberBlock | None:
        if row.status != "BLOCKED" or row.block_reason is None or row.blocked_at is None:
            return None
        return cls(
            reason=BlockReason(row.block_reason), since=row.blocked_at, until=row.blocked_until
        )


@strawberry.enum
class ForwardingCondition(Enum):
    ALWAYS = "ALWAYS"
    BUSY = "BUSY"
    NO_ANSWER = "NO_ANSWER"
    UNREACHABLE = "UNREACHABLE"


@strawberry.type(description="Where calls go when the condition holds.")
class CallForwardingRule:
    condition: ForwardingCondition
    to: str = strawberry.field(description="E.164.")
    delay_seconds: int | None = strawberry.field(
        description="For NO_ANSWER: how long it rings first."
    )

    @classmethod
    def of(cls, stored: dict[str, object]) -> CallForwardingRule:
        delay = stored.get("delay_seconds")
        return cls(
            condition=ForwardingCondition(stored["condition"]),
            to=str(stored["to"]),
            delay_seconds=int(delay) if isinstance(delay, int) else None,
        )


@strawberry.input
class CallForwardingRuleInput:
    condition: ForwardingCondition
    to: str
    delay_seconds: int | None = strawberry.field(
        default=None, description="Only for NO_ANSWER: 5 to 30 seconds, 20 when not given."
    )


@strawberry.type(
    description="What the owner lets the number's user do. Owners and delegates are not "
    "held by them."
)
class NumberLimits:
    monthly_spend_cap: Money | None = strawberry.field(
        description="Fees and charges a calendar month (UTC) past which the user's own paid "
        "operations are refused; null for no cap."
    )
    forbidden_service_categories: list[str]
    user_may_change_tariff: bool
    user_may_connect_services: bool = strawberry.field(
        description="False: the user may neither connect nor disconnect services."
    )
    updated_at: datetime

    @classmethod
    def of(cls, limits: Limits, updated_at: datetime) -> NumberLimits:
        cap = limits.monthly_spend_cap
        return cls(
            monthly_spend_cap=Money.from_minor(cap, "RUB") if cap is not None else None,
            forbidden_service_categories=list(limits.forbidden_service_categories),
            user_may_change_tariff=limits.user_may_change_tariff,
            user_may_connect_services=limits.user_may_connect_services,
            updated_at=updated_at,
        )
