from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay

from models import AutopayRule as RuleRow
from models import TrustPayment as TrustRow
from resolvers.money import trust
from schema.types.money import Money


@strawberry.enum
class TrustStatus(Enum):
    ACTIVE = "ACTIVE"
    REPAID = "REPAID"
    OVERDUE = "OVERDUE"


@strawberry.type(description="Credit on trust, repaid first by the next top-ups.")
class TrustPayment(relay.Node):
    pk: relay.NodeID[int]
    amount: Money
    fee: Money
    outstanding: Money
    status: TrustStatus
    taken_at: datetime
    due_at: datetime
    repaid_at: datetime | None

    @classmethod
    def from_row(cls, row: TrustRow, now: datetime) -> TrustPayment:
        return cls(
            pk=row.id,
            amount=Money.from_minor(row.amount, row.currency),
            fee=Money.from_minor(row.fee, row.currency),
            outstanding=Money.from_minor(row.outstanding, row.currency),
            status=TrustStatus(trust.shown_status(row, now)),
            taken_at=row.taken_at,
            due_at=row.due_at,
            repaid_at=row.repaid_at,
        )


@strawberry.type(description="What may be taken on trust now.")
class TrustOffer:
    amount: Money = strawberry.field(description="The most that may be taken.")
    fee: Money = strawberry.field(description="The fee for taking all of it.")
    due_in_days: int


@strawberry.type
class TrustPaymentState:
    offer: TrustOffer | None
    unavailable_reason: str | None = strawberry.field(description="Why nothing is offered.")
    current: TrustPayment | None = strawberry.field(description="The latest trust payment.")


@strawberry.enum
class AutopayKind(Enum):
    THRESHOLD = "THRESHOLD"
    MONTHLY = "MONTHLY"


@strawberry.type(description="The number's autopay rule.")
class Autopay(relay.Node):
    pk: relay.NodeID[int]
    kind: AutopayKind
    amount: Money
    threshold: Money | None = strawberry.field(description="THRESHOLD: below this, pay.")
    day_of_month: int | None = strawberry.field(description="MONTHLY: the day to pay.")
    monthly_cap: Money | None
    armed: bool = strawberry.field(description="THRESHOLD: ready to fire on the next drop.")
    card_last4: str

    @classmethod
    def from_row(cls, row: RuleRow, card_last4: str) -> Autopay:
        def money(value: int | None) -> Money | None:
            return Money.from_minor(value, "RUB") if value is not None else None

        return cls(
            pk=row.id,
            kind=AutopayKind(str(row.kind)),
            amount=Money.from_minor(row.amount, "RUB"),
            threshold=money(row.threshold),
            day_of_month=row.day_of_month,
            monthly_cap=money(row.monthly_cap),
            armed=row.armed,
            card_last4=card_last4,
        )
