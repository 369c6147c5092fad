"""Money is integer minor units plus a currency code; the API shows exact decimals."""

from __future__ import annotations

from decimal import Decimal

# ISO 4217 exponents of the currencies Kabinet handles.
MINOR_UNIT_EXPONENT = {"RUB": 2, "USD": 2, "EUR": 2, "KZT": 2}


# Each currency's smallest unit as a Decimal (0.01): the exponent every amount is shown with.
_QUANTUM = {
    currency: Decimal(1).scaleb(-exponent) for currency, exponent in MINOR_UNIT_EXPONENT.items()
}


def to_decimal(minor_units: int, currency: str) -> Decimal:
    exponent = MINOR_UNIT_EXPONENT[currency]
    return Decimal(minor_units).scaleb(-exponent).quantize(_QUANTUM[currency])


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Exact conversion; an amount with more decimals than the currency has is refused."""
    exponent = MINOR_UNIT_EXPONENT[currency]
    scaled = amount.scaleb(exponent)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{currency} amounts have at most {exponent} decimal places")
    return int(scaled)
