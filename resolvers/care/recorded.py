"""The shape every care operation shares: run once per idempotency key under the number's
lock, and leave one COMPLETED operation record."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from models import Operation, OperationKind, OperationStatus
from resolvers.operations.records import Actor, fingerprint, once, scoped_key


async def run_recorded(
    number_id: int,
    kind: OperationKind,
    actor: Actor,
    idempotency_key: str | None,
    request: tuple[object, ...],
    now: datetime,
    work: Callable[[], Awaitable[dict[str, Any]]],
    then: Callable[[Operation], Awaitable[None]] | None = None,
) -> Operation:
    """`work` checks and makes the change inside the transaction and returns the record's
    details; `then` finishes what needs the record (a block names its operation). A refusal
    raised by either writes nothing. A replayed key answers the first operation."""
    key = scoped_key(actor, idempotency_key)
    request_hash = fingerprint(kind, number_id, *request)

    async def recorded() -> Operation:
        details = await work()
        operation = await record_completed(number_id, kind, details, actor, now, key, request_hash)
        if then is not None:
            await then(operation)
        return operation

    operation, _ = await once(number_id, key, request_hash, now, recorded)
    return operation


async def record_completed(
    number_id: int,
    kind: OperationKind,
    details: dict[str, Any],
    actor: Actor,
    now: datetime,
    key: str | None = None,
    request_hash: str | None = None,
) -> Operation:
    return await Operation.create(
        number_id=number_id,
        kind=kind,
        status=OperationStatus.COMPLETED,
        details=details,
        idempotency_key=key,
        request_hash=request_hash,
        created_at=now,
        finished_at=now,
        **actor.columns,
    )
