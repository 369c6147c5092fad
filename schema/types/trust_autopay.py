from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from resolvers.money import trust
from schema.types.enums import mirror_enum
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
    def from_row(cls, row: Any, now: datetime) -> TrustPayment:
        """From a loader's row (a dict) or a model object."""
        get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
        currency = get("currency")
        return cls(
            pk=get("id"),
            amount=Money.from_minor(get("amount"), currency),
            fee=Money.from_minor(get("fee"), currency),
            outstanding=Money.from_minor(get("outstanding"), currency),
            status=TrustStatus(trust.shown_status(get("status"), get("due_at"), now)),
            taken_at=get("taken_at"),
            due_at=get("due_at"),
            repaid_at=get("repaid_at"),
        )


@strawberry.type(description="What may be taken on trust now.")
class TrustOffer:
    amount: Money = strawberry.field(description="The most that may be taken.")
    fee: Money = strawberry.field(description="The fee for taking all of it.")
    due_in_days: int


TrustUnavailable = mirror_enum(
    trust.Refusal,
    name="TrustUnavailable",
    description="Why no trust payment is offered: TOO_NEW, the line has not had 60 days of "
    "service yet; ALREADY_OPEN, a trust payment is open and is repaid first; "
    "BALANCE_NOT_LOW, the balance is not low enough to need one.",
)


@strawberry.type
class TrustPaymentState:
    offer: TrustOffer | None
    unavailable_reason: str | None = strawberry.field(
        description="Why nothing is offered, in English; `unavailableCode` says it for a "
        "client to put in its own words."
    )
    unavailable_code: TrustUnavailable | None = strawberry.field(
        description="Why nothing is offered: null when there is an offer."
    )
    current: TrustPayment | None = strawberry.field(description="The latest trust payment.")

    @classmethod
    def of(cls, eligible: trust.Eligibility, latest: Any, now: datetime) -> TrustPaymentState:
        offer = eligible.offer
        return cls(
            offer=TrustOffer(
                amount=Money.from_minor(offer.amount, "RUB"),
                fee=Money.from_minor(offer.fee, "RUB"),
                due_in_days=offer.due_in_days,
            )
            if offer
            else None,
            unavailable_reason=eligible.reason,
            unavailable_code=TrustUnavailable[eligible.refusal.name] if eligible.refusal else None,
            current=TrustPayment.from_row(latest, now) if latest else None,
        )


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
    def from_row(cls, row: Any, card_last4: str) -> Autopay:
        """From a loader's row (a dict) or a model object."""
        get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)

        def money(value: int | None) -> Money | None:
            return Money.from_minor(value, "RUB") if value is not None else None

        return cls(
            pk=get("id"),
            kind=AutopayKind(str(get("kind"))),
            amount=Money.from_minor(get("amount"), "RUB"),
            threshold=money(get("threshold")),
            day_of_month=get("day_of_month"),
            monthly_cap=money(get("monthly_cap")),
            armed=bool(get("armed")),  # SQLite hands a raw row 0 or 1
            card_last4=card_last4,
        )
