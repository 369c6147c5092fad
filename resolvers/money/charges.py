"""Rated usage from the network, and the charges it brings.

A record names its line by `msisdn` (a phone number) or by `contract_number` (a home
contract: its internet sessions are DATA, its TV package charges TV). Each record and its
charge land in one transaction; a record id seen before is ignored, so a retried batch
changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import (
    HomeContract,
    LedgerKind,
    LineKind,
    Number,
    UsageDirection,
    UsageKind,
    UsageRecord,
)
from resolvers.money import ledger
from resolvers.money.amounts import to_minor_units
from resolvers.notifications.money import balance_moved

MAX_BATCH = 1000
CURRENCY = "RUB"
# What each kind of line can be charged for (resolvers/usage_detail/filter.py shows them).
_KINDS_OF = {
    LineKind.MOBILE: {UsageKind.CALL, UsageKind.SMS, UsageKind.DATA},
    LineKind.HOME: {UsageKind.DATA, UsageKind.TV},
}


class InvalidRecord(ValueError):
    pass


@dataclass(frozen=True)
class RatedRecord:
    external_id: str
    msisdn: str  # "" for a home contract's record
    contract_number: str  # "" for a phone number's record
    kind: UsageKind
    direction: UsageDirection
    started_at: datetime
    duration_seconds: int | None
    bytes: int | None
    counterpart: str
    roaming_zone: str | None
    cost: int  # minor units

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> RatedRecord:
        """From a JSON object or a CSV row; raises InvalidRecord naming the problem."""

        def text(name: str, required: bool = True) -> str:
            value = raw.get(name)
            value = "" if value is None else str(value).strip()
            if required and not value:
                raise InvalidRecord(f"{name} is required")
            return value

        def whole(name: str) -> int | None:
            value = text(name, required=False)
            if not value:
                return None
            if not value.isdigit():
                raise InvalidRecord(f"{name} must be a whole number >= 0")
            return int(value)

        try:
            kind = UsageKind(text("type").upper())
            direction = UsageDirection((text("direction", required=False) or "OUT").upper())
            started_at = datetime.fromisoformat(text("start").replace("Z", "+00:00"))
            cost = to_minor_units(Decimal(text("cost", required=False) or "0"), CURRENCY)
        except (ValueError, InvalidOperation) as exc:
            raise InvalidRecord(str(exc)) from exc
        if started_at.tzinfo is None:
            raise InvalidRecord("start needs a timezone (e.g. 2026-11-01T10:00:00Z)")
        if cost < 0:
            raise InvalidRecord("cost must not be negative")
        record_id = text("id")
        if len(record_id) > 64:
            raise InvalidRecord("id is longer than 64 characters")
        msisdn, contract_number = text("msisdn", False), text("contract_number", False)
        if not msisdn and not contract_number:
            raise InvalidRecord("msisdn (or contract_number for a home contract) is required")
        if msisdn and contract_number:
            raise InvalidRecord("give msisdn or contract_number, not both")
        return cls(
            external_id=record_id,
            msisdn=msisdn,
            contract_number=contract_number,
            kind=kind,
            direction=direction,
            started_at=started_at,
            duration_seconds=whole("duration"),
            bytes=whole("bytes"),
            counterpart=text("counterpart", required=False)[:64],
            roaming_zone=text("roaming_zone", required=False)[:32] or None,
            cost=cost,
        )


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    charged_numbers: set[int] = field(default_factory=set)

    def as_json(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "duplicates": self.duplicates, "rejected": self.rejected}


async def ingest(raw_records: Iterable[Mapping[str, Any]], now: datetime) -> IngestResult:
    result = IngestResult()
    parsed: list[tuple[int, RatedRecord]] = []
    for index, raw in enumerate(raw_records):
        try:
            parsed.append((index, RatedRecord.parse(raw)))
        except InvalidRecord as exc:
            result.rejected.append({"index": index, "reason": str(exc)})
    lines = await _lines_named(record for _, record in parsed)
    for index, record in parsed:
        line = lines.get(_name(record))
        if line is None:
            field, name = _name(record)
            result.rejected.append({"index": index, "reason": f"unknown {field} {name}"})
            continue
        number_id, kind = line
        if record.kind not in _KINDS_OF[kind]:
            whose = "home contract" if kind is LineKind.HOME else "phone number"
            reason = f"type {record.kind} is not used on a {whose}"
            result.rejected.append({"index": index, "reason": reason})
            continue
        if await _ingest_one(number_id, record, now):
            result.accepted += 1
            if record.cost:
                result.charged_numbers.add(number_id)
        else:
            result.duplicates += 1
    return result


def _name(record: RatedRecord) -> tuple[str, str]:
    """The field naming the record's line, and the name."""
    if record.msisdn:
        return "msisdn", record.msisdn
    return "contract_number", record.contract_number


async def _lines_named(
    records: Iterable[RatedRecord],
) -> dict[tuple[str, str], tuple[int, LineKind]]:
    """The lines the records name, by name: (id, kind), in two statements at most."""
    msisdns, contracts = set(), set()
    for record in records:
        (msisdns if record.msisdn else contracts).add(_name(record)[1])
    found: dict[tuple[str, str], tuple[int, LineKind]] = {}
    if msisdns:
        phones = await Number.filter(msisdn__in=msisdns).values_list("msisdn", "id", "kind")
        found.update((("msisdn", m), (i, LineKind(k))) for m, i, k in phones)
    if contracts:
        homes = await HomeContract.filter(contract_number__in=contracts).values_list(
            "contract_number", "line_id"
        )
        found.update((("contract_number", c), (i, LineKind.HOME)) for c, i in homes)
    return found


async def _ingest_one(number_id: int, record: RatedRecord, now: datetime) -> bool:
    """False when the record was seen before (then nothing changes)."""
    if await UsageRecord.exists(external_id=record.external_id):
        return False
    try:
        async with in_transaction():
            await UsageRecord.create(
                external_id=record.external_id,
                number_id=number_id,
                kind=record.kind,
                direction=record.direction,
                counterpart=record.counterpart,
                started_at=record.started_at,
                duration_seconds=record.duration_seconds,
                bytes=record.bytes,
                cost=record.cost,
                currency=CURRENCY,
                roaming_zone=record.roaming_zone,
            )
            if record.cost:
                entry, created = await ledger.post(
                    ledger.Posting(
                        number_id=number_id,
                        kind=LedgerKind.CHARGE,
                        amount=-record.cost,
                        currency=CURRENCY,
                        idempotency_key=f"usage:{record.external_id}",
                        reason=f"{record.kind} {record.counterpart}".strip(),
                    ),
                    now,
                )
                if created:
                    await balance_moved(entry)
    except IntegrityError:
        return False  # a concurrent batch carried the same record and won
    return True
