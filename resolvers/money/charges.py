"""Rated usage from the network, and the charges it brings.

Each record and its charge land in one transaction; a record id seen before is ignored,
so a retried batch changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import LedgerKind, Number, UsageDirection, UsageKind, UsageRecord
from resolvers.money import ledger
from resolvers.money.amounts import to_minor_units
from resolvers.notifications.money import balance_moved

MAX_BATCH = 1000
CURRENCY = "RUB"


class InvalidRecord(ValueError):
    pass


@dataclass(frozen=True)
class RatedRecord:
    external_id: str
    msisdn: str
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
        return cls(
            external_id=record_id,
            msisdn=text("msisdn"),
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
    msisdns = {record.msisdn for _, record in parsed}
    numbers = dict(await Number.filter(msisdn__in=msisdns).values_list("msisdn", "id"))
    for index, record in parsed:
        number_id = numbers.get(record.msisdn)
        if number_id is None:
            result.rejected.append({"index": index, "reason": f"unknown msisdn {record.msisdn}"})
            continue
        if await _ingest_one(number_id, record, now):
            result.accepted += 1
            if record.cost:
                result.charged_numbers.add(number_id)
        else:
            result.duplicates += 1
    return result


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
