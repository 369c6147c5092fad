"""Strict scalars: input in any form but the documented one is refused with BAD_USER_INPUT
before a resolver runs, and the message names the form.

strawberry's built-ins are lenient on purpose: Decimal takes "Infinity", "NaN", "1e3",
"1_000", " 5 " and JSON numbers; DateTime takes ISO 8601 without a timezone and any year.
These replace them under the same GraphQL names (`SCALAR_OVERRIDES`, given to the schema in
schema/build.py): clients see the same names, with descriptions that say the form. (ID is
graphql-core's own and cannot be replaced; global ids are decoded in schema/ids.py.)
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, NewType

from graphql import GraphQLError
from strawberry.types.scalar import ScalarDefinition

AMOUNT_FORMAT = 'an amount like "500.00": digits, an optional point and up to 2 decimals'
DATETIME_FORMAT = (
    'a date and time with its UTC offset, like "2026-12-01T10:00:00+03:00" or '
    '"2026-12-01T07:00:00Z", in the years 1900 to 2999'
)

# ASCII digits only: `\d` would also take Arabic-Indic or fullwidth digits. Twelve integer
# digits are far above any limit and far below what a BIGINT of minor units holds.
_AMOUNT = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,2})?")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})"
)
# Arithmetic on a date near year 1 or 9999 (an expiry plus a period, a shift to UTC)
# overflows; no date a client means is outside these years.
_YEARS = range(1900, 3000)


class InvalidScalar(GraphQLError):
    """A refused scalar value. A GraphQLError, so graphql-core reports it as the value's
    coercion error (keeping `extensions`, also for a variable) and never as a crash."""

    def __init__(self, type_name: str, form: str) -> None:
        super().__init__(f"{type_name} must be {form}.", extensions={"code": "BAD_USER_INPUT"})


def parse_amount(value: Any) -> Decimal:
    if not isinstance(value, str) or not _AMOUNT.fullmatch(value):
        raise InvalidScalar("Decimal", AMOUNT_FORMAT)
    return Decimal(value)


def serialize_amount(value: Decimal) -> str:
    return format(value, "f")  # never an exponent, whatever arithmetic made the value


def parse_datetime(value: Any) -> datetime:
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        raise InvalidScalar("DateTime", DATETIME_FORMAT)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:  # well formed but not a date: month 13, 25:00, offset +24:00
        raise InvalidScalar("DateTime", DATETIME_FORMAT) from None
    if parsed.year not in _YEARS or parsed.astimezone(UTC).year not in _YEARS:
        raise InvalidScalar("DateTime", DATETIME_FORMAT)
    return parsed


def serialize_datetime(value: datetime) -> str:
    return value.isoformat()


AMOUNT = ScalarDefinition(
    name="Decimal",
    description=f"Money: {AMOUNT_FORMAT}.",
    specified_by_url=None,
    serialize=serialize_amount,
    parse_value=parse_amount,
    parse_literal=None,  # graphql-core hands the literal's value to parse_value
    origin=Decimal,
)
DATETIME = ScalarDefinition(
    name="DateTime",
    description=f"A moment: {DATETIME_FORMAT}.",
    specified_by_url=None,
    serialize=serialize_datetime,
    parse_value=parse_datetime,
    parse_literal=None,
    origin=datetime,
)

# Byte counts and seconds summed over a year pass 2^31 (GraphQL's Int); 2^53 - 1 is what a
# JSON number keeps exactly in every client, JavaScript included.
_MAX_SAFE_INTEGER = 2**53 - 1
BIGINT_FORMAT = f"a whole number from -{_MAX_SAFE_INTEGER} to {_MAX_SAFE_INTEGER}"
BigInt = NewType("BigInt", int)


def parse_bigint(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > _MAX_SAFE_INTEGER:
        raise InvalidScalar("BigInt", BIGINT_FORMAT)
    return value


BIGINT = ScalarDefinition(
    name="BigInt",
    description=f"A count that may pass 32 bits (bytes, seconds): {BIGINT_FORMAT}, "
    "as a JSON number.",
    specified_by_url=None,
    serialize=int,
    parse_value=parse_bigint,
    parse_literal=None,
    origin=BigInt,  # type: ignore[arg-type]
)

SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {
    Decimal: AMOUNT,
    datetime: DATETIME,
    BigInt: BIGINT,
}
