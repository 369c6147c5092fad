"""Why an operation on a number is refused: each refusal a stable code, a machine-readable
`reason`, and a message that says what to do."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from resolvers.errors import BadUserInput, Conflict
from resolvers.home.words import noun_of
from resolvers.money.amounts import to_decimal

Row = dict[str, Any]

# {noun}: "number", or "contract" for a home contract.
_NOT_ACTIVE = {
    "BLOCKED": "The {noun} is blocked: unblock it first.",
    "SUSPENDED": "The {noun} is suspended by the operator: settle the debt or call support.",
    "CLOSED": "The {noun} is closed.",
}


def _names(rows: Iterable[Row]) -> str:
    return ", ".join(f"«{row['name']}»" for row in rows)


def rub(minor: int) -> str:
    return f"{to_decimal(minor, 'RUB')} RUB"


def number_not_active(
    status: str,
    block_reason: str | None = None,
    blocked_until: datetime | None = None,
    kind: str = "MOBILE",
) -> Conflict:
    """`kind`: the line's (MOBILE or HOME), for the message's words."""
    if status == "BLOCKED" and block_reason is not None:
        return number_blocked(block_reason, blocked_until, kind)
    message = _NOT_ACTIVE.get(status, "The {noun} is not active.")
    return Conflict(message.format(noun=noun_of(kind)), reason="NUMBER_NOT_ACTIVE")


def when(moment: datetime) -> str:
    """A moment as people read it in a message: `2027-01-05 10:00 UTC`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def number_blocked(
    block_reason: str, blocked_until: datetime | None, kind: str = "MOBILE"
) -> Conflict:
    """Says it is blocked and until when, so the person knows whether to wait or unblock."""
    noun = noun_of(kind)
    if blocked_until is not None:
        message = f"The {noun} is blocked until {when(blocked_until)}: unblock it first."
    else:
        message = f"The {noun} is blocked as lost until it is unblocked: unblock it first."
    return Conflict(
        message,
        reason="NUMBER_NOT_ACTIVE",
        blockReason=block_reason,
        blockedUntil=blocked_until.isoformat() if blocked_until else None,
    )


def tariff_archived(tariff: Row) -> BadUserInput:
    return BadUserInput(
        f"«{tariff['name']}» is archived: it stays on the numbers that have it but cannot be "
        "chosen.",
        field="tariffId",
        reason="TARIFF_ARCHIVED",
    )


def same_tariff(tariff: Row) -> Conflict:
    return Conflict(f"The number is already on «{tariff['name']}».", reason="SAME_TARIFF")


def change_already_scheduled(tariff: Row) -> Conflict:
    return Conflict(
        f"A change to «{tariff['name']}» is already scheduled: cancel it first.",
        reason="TARIFF_CHANGE_PENDING",
    )


def incompatible_services(tariff: Row, services: list[Row]) -> Conflict:
    return Conflict(
        f"«{tariff['name']}» does not allow these connected services: {_names(services)}. "
        "Disconnect them, or ask again with disconnectIncompatible: true.",
        reason="INCOMPATIBLE_SERVICES",
        services=[row["code"] for row in services],
    )


def insufficient_balance(balance: int, needed: int, what: str) -> Conflict:
    return Conflict(
        f"The balance ({rub(balance)}) is below the first fee of {rub(needed)} for {what}. "
        "Top up first.",
        reason="INSUFFICIENT_BALANCE",
        required=str(to_decimal(needed, "RUB")),
    )


def only_zero_balance_services(service: Row) -> Conflict:
    return Conflict(
        f"At a zero balance only services usable at a zero balance can be connected, and "
        f"«{service['name']}» is not one of them. Top up first.",
        reason="INSUFFICIENT_BALANCE",
    )


def no_scheduled_change() -> Conflict:
    return Conflict("No tariff change is scheduled on this number.", reason="NO_PENDING_CHANGE")


def service_archived(service: Row) -> BadUserInput:
    return BadUserInput(
        f"«{service['name']}» is no longer offered.", field="serviceId", reason="SERVICE_ARCHIVED"
    )


def already_connected(service: Row) -> Conflict:
    return Conflict(f"«{service['name']}» is already connected.", reason="ALREADY_CONNECTED")


def not_connected(service: Row) -> Conflict:
    return Conflict(f"«{service['name']}» is not connected.", reason="NOT_CONNECTED")


def not_for_tariff(service: Row, tariff: Row) -> Conflict:
    return Conflict(
        f"«{service['name']}» cannot be connected on «{tariff['name']}».",
        reason="NOT_FOR_TARIFF",
    )


def excluded_by(service: Row, connected: list[Row]) -> Conflict:
    return Conflict(
        f"«{service['name']}» cannot be connected together with {_names(connected)}: "
        "disconnect it first.",
        reason="EXCLUDED_BY_CONNECTED",
        services=[row["code"] for row in connected],
    )


# A catalogue segment as words: (the row's kind, what kind of line takes it).
_SEGMENT_WORDS = {
    "MOBILE": ("mobile", "phone numbers"),
    "HOME": ("home", "home contracts"),
}


def other_segment(what: str, row: Row, line_kind: str, field: str) -> BadUserInput:
    """A tariff or service of the other segment: a home contract takes home tariffs and
    services only, a phone number mobile ones only."""
    row_kind, _ = _SEGMENT_WORDS[str(row["segment"])]
    line_segment, takers = _SEGMENT_WORDS[str(line_kind)]
    return BadUserInput(
        f"«{row['name']}» is a {row_kind} {what}: {takers} take {line_segment} {what}s only.",
        field=field,
        reason="WRONG_SEGMENT",
        segment=str(line_kind),
    )


def no_tv(service: Row) -> Conflict:
    return Conflict(
        f"«{service['name']}» is a TV package, and this contract has no TV.", reason="NO_TV"
    )
