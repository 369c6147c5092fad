"""Connecting and disconnecting a line's services (a home contract's TV packages too): the
connection fee through the ledger, the segment, the tariff's fit and the exclusions
checked, each one an operation record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models import (
    HomeContract,
    LedgerKind,
    Number,
    NumberService,
    NumberStatus,
    Operation,
    OperationKind,
    OperationStatus,
)
from models.catalog import TV_PACKAGE
from resolvers.care import limits
from resolvers.catalog import Catalogue, Row
from resolvers.errors import NotFound
from resolvers.money import ledger
from resolvers.notifications.money import balance_moved
from resolvers.operations import refusals
from resolvers.operations.records import Actor, balance_of, fingerprint, once, scoped_key


@dataclass(frozen=True)
class ServiceChange:
    number_id: int
    service_id: int
    idempotency_key: str | None


async def connect_service(
    change: ServiceChange, actor: Actor, catalogue: Catalogue, now: datetime
) -> tuple[Operation, bool]:
    """(the operation, whether the balance moved now)."""
    if change.service_id not in catalogue.services:
        raise NotFound("No such service.", field="serviceId")
    key = scoped_key(actor, change.idempotency_key)
    request_hash = fingerprint("connect", change.number_id, change.service_id)

    async def work() -> Operation:
        return await _connect(change, actor, catalogue, now, key, request_hash)

    service = catalogue.services[change.service_id]
    async with limits.owner_told_of_refusals(change.number_id, f"connecting «{service['name']}»"):
        await limits.hold_service_change(change.number_id, actor, service, connecting=True)
        operation, ran = await once(change.number_id, key, request_hash, now, work)
    return operation, ran and operation.ledger_entry_id is not None


async def _connect(
    change: ServiceChange,
    actor: Actor,
    catalogue: Catalogue,
    now: datetime,
    key: str | None,
    request_hash: str,
) -> Operation:
    number = await Number.get(id=change.number_id)
    service = catalogue.services[change.service_id]
    await _check_segment(number, service)
    if service["is_archived"]:
        raise refusals.service_archived(service)
    if number.status is not NumberStatus.ACTIVE:
        raise refusals.number_not_active(
            number.status, number.block_reason, number.blocked_until, number.kind
        )
    connected = await NumberService.filter(number_id=number.id).values_list("service_id", flat=True)
    if service["id"] in connected:
        raise refusals.already_connected(service)
    if not catalogue.fits_tariff(service["id"], number.tariff_id):
        raise refusals.not_for_tariff(service, catalogue.tariffs[number.tariff_id])
    excluded = catalogue.conflicts(service["id"], connected)
    if excluded:
        raise refusals.excluded_by(service, excluded)
    balance = await balance_of(number.id)
    if balance <= 0 and not service["available_at_zero_balance"]:
        raise refusals.only_zero_balance_services(service)
    fee = service["connection_fee"]
    if fee > balance:
        raise refusals.insufficient_balance(balance, fee, f"«{service['name']}»")
    await limits.hold_spend(number.id, actor, fee, now)

    operation = await _record(
        OperationKind.SERVICE_CONNECT, change, actor, now, key, request_hash, fee
    )
    await NumberService.create(number_id=number.id, service_id=service["id"], connected_at=now)
    if fee > 0:
        entry, _ = await ledger.post(
            ledger.Posting(
                number_id=number.id,
                kind=LedgerKind.FEE,
                amount=-fee,
                currency=service["currency"],
                idempotency_key=f"operation:{operation.id}:fee",
                reason=f"Connection of «{service['name']}»",
                actor_subscriber_id=actor.subscriber_id,
                actor_partner_id=actor.partner_id,
                grant_id=actor.grant_id,
            ),
            now,
            known_new=True,
        )
        await balance_moved(entry)  # CHARGES, LOW_BALANCE: sent after this commits
        operation.ledger_entry_id = entry.id
        await operation.save(update_fields=["ledger_entry_id"])
    return operation


async def disconnect_service(
    change: ServiceChange, actor: Actor, catalogue: Catalogue, now: datetime
) -> Operation:
    if change.service_id not in catalogue.services:
        raise NotFound("No such service.", field="serviceId")
    key = scoped_key(actor, change.idempotency_key)
    request_hash = fingerprint("disconnect", change.number_id, change.service_id)

    async def work() -> Operation:
        service = catalogue.services[change.service_id]
        number = await Number.get(id=change.number_id)
        if service["segment"] != number.kind:  # it was never connected: say why
            raise refusals.other_segment("service", service, number.kind, "serviceId")
        # Dropping a service is allowed on a blocked number too: it only stops a fee.
        dropped = await NumberService.filter(
            number_id=change.number_id, service_id=change.service_id
        ).delete()
        if not dropped:
            raise refusals.not_connected(service)
        return await _record(
            OperationKind.SERVICE_DISCONNECT, change, actor, now, key, request_hash, 0
        )

    service = catalogue.services[change.service_id]
    what = f"disconnecting «{service['name']}»"
    async with limits.owner_told_of_refusals(change.number_id, what):
        await limits.hold_service_change(change.number_id, actor, service, connecting=False)
        operation, _ = await once(change.number_id, key, request_hash, now, work)
    return operation


async def _check_segment(number: Number, service: Row) -> None:
    """A line takes services of its own segment only; a TV package needs a contract with TV."""
    if service["segment"] != number.kind:
        raise refusals.other_segment("service", service, number.kind, "serviceId")
    if service["category"] == TV_PACKAGE and not await HomeContract.exists(
        line_id=number.id, tv=True
    ):
        raise refusals.no_tv(service)


async def _record(
    kind: OperationKind,
    change: ServiceChange,
    actor: Actor,
    now: datetime,
    key: str | None,
    request_hash: str,
    fee: int,
) -> Operation:
    return await Operation.create(
        number_id=change.number_id,
        kind=kind,
        status=OperationStatus.COMPLETED,
        details={"service_id": change.service_id, "fee": fee},
        idempotency_key=key,
        request_hash=request_hash,
        created_at=now,
        finished_at=now,
        **actor.columns,
    )
