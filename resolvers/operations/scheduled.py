"""The worker's side of tariff changes at the next period: when a number's period turns,
its scheduled change is switched, once, whatever the number of workers.

Each due operation is claimed by moving it out of CREATED with an UPDATE guarded by the old
status, in the transaction that then switches the tariff: a second worker's UPDATE waits
for the first one's row lock (PostgreSQL) and then finds the status changed, so it does
nothing; a cancel racing the switch is refused the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from models import Number, NumberService, NumberStatus, Operation, OperationKind, OperationStatus
from resolvers.catalog import Catalogue, load_catalogue

BATCH = 200


@dataclass(frozen=True)
class SwitchOutcome:
    operation_id: int
    status: OperationStatus
    reason: str | None = None


async def switch_due_tariffs(now: datetime) -> list[SwitchOutcome]:
    due = (
        await Operation.filter(
            kind=OperationKind.TARIFF_CHANGE,
            status=OperationStatus.CREATED,
            scheduled_for__lte=now,
        )
        .order_by("scheduled_for", "id")
        .limit(BATCH)
        .values_list("id", flat=True)
    )
    if not due:
        return []
    catalogue = await load_catalogue()
    outcomes = []
    for operation_id in due:
        outcome = await _switch_one(operation_id, catalogue, now)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes


async def _switch_one(
    operation_id: int, catalogue: Catalogue, now: datetime
) -> SwitchOutcome | None:
    async with in_transaction():
        claimed = await Operation.filter(id=operation_id, status=OperationStatus.CREATED).update(
            status=OperationStatus.COMPLETED, finished_at=now
        )
        if not claimed:
            return None  # another worker switched it, or it was cancelled
        operation = await Operation.get(id=operation_id)
        number = await Number.get(id=operation.number_id)
        details = dict(operation.details)
        tariff = catalogue.tariffs[details["tariff_id"]]
        connected = await NumberService.filter(number_id=number.id).values_list(
            "service_id", flat=True
        )
        unfit = catalogue.unfit_for(tariff["id"], connected)
        reason = None
        if number.status is not NumberStatus.ACTIVE:
            reason = f"The number was {number.status.lower()} when the period turned."
        elif tariff["is_archived"]:
            reason = f"«{tariff['name']}» was archived before the period turned."
        elif unfit and not details.get("disconnect_incompatible"):
            names = ", ".join(f"«{row['name']}»" for row in unfit)
            reason = f"«{tariff['name']}» does not allow the connected services {names}."
        if reason is not None:
            await Operation.filter(id=operation_id).update(
                status=OperationStatus.FAILED, failure_reason=reason[:300]
            )
            return SwitchOutcome(operation_id, OperationStatus.FAILED, reason)
        details["from_tariff_id"] = number.tariff_id
        details["dropped_service_ids"] = [row["id"] for row in unfit]
        await Operation.filter(id=operation_id).update(details=details)
        await Number.filter(id=number.id).update(tariff_id=tariff["id"])
        if unfit:
            await NumberService.filter(
                number_id=number.id, service_id__in=details["dropped_service_ids"]
            ).delete()
    return SwitchOutcome(operation_id, OperationStatus.COMPLETED)
