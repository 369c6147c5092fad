from __future__ import annotations

from decimal import Decimal

import strawberry

from resolvers.money.amounts import to_decimal


@strawberry.type(description="An exact amount of money: a decimal string and an ISO 4217 code.")
class Money:
    amount: Decimal
    currency: str

    @classmethod
    def from_minor(cls, minor_units: int, currency: str) -> Money:
        return cls(amount=to_decimal(minor_units, currency), currency=currency)
