"""Changing a line's tariff (a phone number among mobile tariffs, a home contract among
home ones): now (the new fee charged pro rata for the rest of the
billing period, through the ledger) or at the next period (scheduled, cancellable, switched
by the worker when the period turns)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from models import (
    LedgerKind,
    Number,
    NumberService,
    NumberStatus,
    Operation,
    OperationKind,
    OperationStatus,
)
from resolvers.billing_period import period_containing, pro_rata
from resolvers.care import limits
from resolvers.catalog import Catalogue
from resolvers.errors import NotFound
from resolvers.money import ledger
from resolvers.notifications.money import balance_moved
from resolvers.operations import refusals
from resolvers.operations.records import SYSTEM, Actor, balance_of, fingerprint, once, scoped_key


class Effective(StrEnum):
    NOW = "NOW"
    NEXT_PERIOD = "NEXT_PERIOD"


@dataclass(frozen=True)
class TariffChange:
    number_id: int
    tariff_id: int
    effective: Effective
    idempotency_key: str | None
    disconnect_incompatible: bool = False


async def change_tariff(
    change: TariffChange, actor: Actor, catalogue: Catalogue, now: datetime
) -> tuple[Operation, bool]:
    """(the operation, whether the balance moved now)."""
    tariff = catalogue.tariffs.get(change.tariff_id)
    if tariff is None:
        raise NotFound("No such tariff.", field="tariffId")
    key = scoped_key(actor, change.idempotency_key)
    request_hash = fingerprint(
        "tariff",
        change.number_id,
        change.tariff_id,
        change.effective,
        change.disconnect_incompatible,
    )

    async def work() -> Operation:
        return await _change(change, actor, catalogue, now, key, request_hash)

    async with limits.owner_told_of_refusals(change.number_id, f"a change to «{tariff['name']}»"):
        await limits.hold_tariff_change(change.number_id, actor)
        operation, ran = await once(change.number_id, key, request_hash, now, work)
    return operation, ran and operation.ledger_entry_id is not None


async def _change(
    change: TariffChange,
    actor: Actor,
    catalogue: Catalogue,
    now: datetime,
    key: str | None,
    request_hash: str,
) -> Operation:
    number = await Number.get(id=change.number_id)
    tariff = catalogue.tariffs[change.tariff_id]
    if tariff["segment"] != number.kind:
        raise refusals.other_segment("tariff", tariff, number.kind, "tariffId")
    if tariff["is_archived"]:
        raise refusals.tariff_archived(tariff)
    if number.tariff_id == change.tariff_id:
        raise refusals.same_tariff(tariff)
    if number.status is not NumberStatus.ACTIVE:
        raise refusals.number_not_active(
            number.status, number.block_reason, number.blocked_until, number.kind
        )
    pending = await scheduled_change(change.number_id)
    if pending is not None:
        raise refusals.change_already_scheduled(catalogue.tariffs[pending.details["tariff_id"]])
    connected = await NumberService.filter(number_id=number.id).values_list("service_id", flat=True)
    unfit = catalogue.unfit_for(change.tariff_id, connected)
    if unfit and not change.disconnect_incompatible:
        raise refusals.incompatible_services(tariff, unfit)
    period = period_containing(number.activated_at, now)
    now_effective = change.effective is Effective.NOW
    fee = pro_rata(tariff["monthly_fee"], period, now) if now_effective else tariff["monthly_fee"]
    balance = await balance_of(number.id)
    if fee > balance:
        raise refusals.insufficient_balance(balance, fee, f"«{tariff['name']}»")
    if now_effective:
        await limits.hold_spend(number.id, actor, fee, now)

    details = {
        "from_tariff_id": number.tariff_id,
        "tariff_id": change.tariff_id,
        "effective": change.effective.value,
        "disconnect_incompatible": change.disconnect_incompatible,
        "dropped_service_ids": [row["id"] for row in unfit] if now_effective else [],
    }
    operation = await Operation.create(
        number_id=number.id,
        kind=OperationKind.TARIFF_CHANGE,
        status=OperationStatus.COMPLETED if now_effective else OperationStatus.CREATED,
        details=details,
        idempotency_key=key,
        request_hash=request_hash,
        created_at=now,
        scheduled_for=None if now_effective else period.end,
        finished_at=now if now_effective else None,
        **actor.columns,
    )
    if not now_effective:
        return operation
    if fee > 0:
        entry, _ = await ledger.post(
            ledger.Posting(
                number_id=number.id,
                kind=LedgerKind.FEE,
                amount=-fee,
                currency=tariff["currency"],
                idempotency_key=f"operation:{operation.id}:fee",
                reason=f"Tariff «{tariff['name']}» to the end of the period",
                actor_subscriber_id=actor.subscriber_id,
                actor_partner_id=actor.partner_id,
                grant_id=actor.grant_id,
            ),
            now,
            known_new=True,
        )
        await balance_moved(entry)  # CHARGES, LOW_BALANCE: sent after this commits
        operation.ledger_entry_id = entry.id
        details["fee"] = fee
        operation.details = details
        await operation.save(update_fields=["ledger_entry_id", "details"])
    await _switch(number.id, change.tariff_id, details["dropped_service_ids"])
    return operation


async def _switch(number_id: int, tariff_id: int, dropped_service_ids: list[int]) -> None:
    await Number.filter(id=number_id).update(tariff_id=tariff_id)
    if dropped_service_ids:
        await NumberService.filter(number_id=number_id, service_id__in=dropped_service_ids).delete()


async def scheduled_change(number_id: int) -> Operation | None:
    return await Operation.get_or_none(
        number_id=number_id, kind=OperationKind.TARIFF_CHANGE, status=OperationStatus.CREATED
    )


async def cancel_scheduled(number_id: int, now: datetime, actor: Actor = SYSTEM) -> Operation:
    """CREATED -> CANCELLED, guarded by the old status: of a cancel and the worker's switch
    racing, exactly one wins. A user the owner's limits keep off tariffs cannot cancel
    either: the change is the owner's."""
    async with limits.owner_told_of_refusals(number_id, "cancelling a tariff change"):
        await limits.hold_tariff_change(number_id, actor)
    pending = await scheduled_change(number_id)
    if pending is None:
        raise refusals.no_scheduled_change()
    won = await Operation.filter(id=pending.id, status=OperationStatus.CREATED).update(
        status=OperationStatus.CANCELLED, finished_at=now
    )
    if not won:
        raise refusals.no_scheduled_change()
    return await Operation.get(id=pending.id)
