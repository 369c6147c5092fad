from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from models import PaymentCard as CardRow
from resolvers.money.history import Page, encode_cursor
from schema.types.money import Money


@strawberry.enum
class PaymentStatus(Enum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


@strawberry.enum
class LedgerKind(Enum):
    TOPUP = "TOPUP"
    CHARGE = "CHARGE"
    FEE = "FEE"
    TRUST_CREDIT = "TRUST_CREDIT"
    TRUST_REPAYMENT = "TRUST_REPAYMENT"
    REFUND = "REFUND"
    ADJUSTMENT = "ADJUSTMENT"


@strawberry.type(description="A saved card. Only what a person needs to recognise it.")
class PaymentCard(relay.Node):
    pk: relay.NodeID[int]
    brand: str
    last4: str
    exp_month: int
    exp_year: int

    @classmethod
    def from_row(cls, row: CardRow) -> PaymentCard:
        return cls(
            pk=row.id,
            brand=row.brand,
            last4=row.last4,
            exp_month=row.exp_month,
            exp_year=row.exp_year,
        )


@strawberry.type(description="A top-up through a payment provider.")
class Payment(relay.Node):
    pk: relay.NodeID[int]
    status: PaymentStatus
    amount: Money
    failure_code: str | None = strawberry.field(
        description="Why it failed: card_declined, insufficient_funds, timeout..."
    )
    created_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> Payment:
        get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
        return cls(
            pk=get("id"),
            status=PaymentStatus(str(get("status"))),
            amount=Money.from_minor(get("amount"), get("currency")),
            failure_code=get("failure_code"),
            created_at=get("created_at"),
        )


@strawberry.type(description="A money movement on a number's balance.")
class LedgerEntry(relay.Node):
    pk: relay.NodeID[int]
    kind: LedgerKind
    amount: Money
    balance_after: Money
    reason: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> LedgerEntry:
        return cls(
            pk=row["id"],
            kind=LedgerKind(str(row["kind"])),
            amount=Money.from_minor(row["amount"], row["currency"]),
            balance_after=Money.from_minor(row["balance_after"], row["currency"]),
            reason=row["reason"],
            created_at=row["created_at"],
        )


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class PaymentConnection:
    nodes: list[Payment]
    page_info: PageInfo

    @classmethod
    def from_page(cls, page: Page) -> PaymentConnection:
        return cls(
            nodes=[Payment.from_row(row) for row in page.rows],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
        )


@strawberry.type
class LedgerEntryConnection:
    nodes: list[LedgerEntry]
    page_info: PageInfo

    @classmethod
    def from_page(cls, page: Page) -> LedgerEntryConnection:
        return cls(
            nodes=[LedgerEntry.from_row(row) for row in page.rows],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
        )


__all__ = ["encode_cursor"]
