"""Writing operation records: who acts, and running an operation once per idempotency key.

Every operation on a number writes its record here, inside the operation's own transaction
(`record`, or `once` around the work): the record and the operation commit or roll back
together, so no operation completes without its record and no record says COMPLETED for an
operation that rolled back. The request history (`history.py`) reads these rows.

A key is scoped to the actor (two people may pick the same key). The same key with the
same input answers with the first operation; with another input it is CONFLICT. Refusals
write nothing, so asking again after fixing the cause works with the same key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import AccessGrant, ActorRole, Balance, Operation, OperationKind, OperationStatus
from permissions.acting import actor_role
from permissions.levels import Level
from permissions.viewer import Viewer
from resolvers.errors import BadUserInput, Conflict
from resolvers.money import ledger
from resolvers.reach import NumberRow

MAX_KEY_LENGTH = 100


@dataclass(frozen=True)
class Actor:
    role: ActorRole
    subscriber_id: int | None = None
    partner_id: int | None = None
    grant_id: int | None = None

    @property
    def key_prefix(self) -> str:
        if self.subscriber_id is not None:
            return f"s{self.subscriber_id}"
        if self.partner_id is not None:
            return f"p{self.partner_id}"
        return "system"

    @property
    def columns(self) -> dict[str, Any]:
        return {
            "actor_role": self.role,
            "actor_subscriber_id": self.subscriber_id,
            "actor_partner_id": self.partner_id,
            "grant_id": self.grant_id,
        }


SYSTEM = Actor(ActorRole.SYSTEM)
OPERATOR = Actor(ActorRole.OPERATOR)


def system_for(subscriber_id: int | None) -> Actor:
    """The worker acting for a subscriber (their autopay rule): SYSTEM, naming them."""
    return Actor(ActorRole.SYSTEM, subscriber_id=subscriber_id)


async def record(
    number_id: int,
    kind: OperationKind,
    actor: Actor,
    now: datetime,
    details: dict[str, Any] | None = None,
    *,
    status: OperationStatus = OperationStatus.COMPLETED,
    failure_reason: str | None = None,
    payment_id: int | None = None,
    ledger_entry_id: int | None = None,
) -> Operation:
    """Writes one record; call it inside the operation's transaction, after its write."""
    final = status is not OperationStatus.CREATED
    return await Operation.create(
        number_id=number_id,
        kind=kind,
        status=status,
        details=details or {},
        failure_reason=failure_reason[:300] if failure_reason else None,
        payment_id=payment_id,
        ledger_entry_id=ledger_entry_id,
        created_at=now,
        finished_at=now if final else None,
        **actor.columns,
    )


async def finish_payment_record(
    payment_id: int,
    status: OperationStatus,
    now: datetime,
    *,
    ledger_entry_id: int | None = None,
    failure_reason: str | None = None,
) -> int:
    """CREATED -> the payment's outcome, inside the transaction that settles the payment
    (guarded by the old status, as the payment's own change is). Returns rows changed."""
    return await Operation.filter(payment_id=payment_id, status=OperationStatus.CREATED).update(
        status=status,
        finished_at=now,
        ledger_entry_id=ledger_entry_id,
        failure_reason=failure_reason[:300] if failure_reason else None,
    )


async def actor_on(viewer: Viewer, row: NumberRow, level: Level) -> Actor:
    """Who acts, and through which grant when a grant is what lets them."""
    is_user = viewer.subscriber_id is not None and row.user_id == viewer.subscriber_id
    role = actor_role(viewer, level, is_user)
    grant_id = None
    if role in (ActorRole.DELEGATE, ActorRole.PARTNER_APP):
        grantee = (
            {"grantee_partner_id": viewer.partner_app_id}
            if viewer.is_partner
            else {"grantee_subscriber_id": viewer.subscriber_id}
        )
        grant = (
            await AccessGrant.filter(number_id=row.id, revoked_at__isnull=True, **grantee)
            .order_by("-id")
            .first()
            .values("id")
        )
        grant_id = grant["id"] if grant else None
    return Actor(role, viewer.subscriber_id, viewer.partner_app_id, grant_id)


def fingerprint(*parts: object) -> str:
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()


def scoped_key(actor: Actor, key: str | None) -> str | None:
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise BadUserInput(
            f"idempotencyKey must be 1 to {MAX_KEY_LENGTH} characters.", field="idempotencyKey"
        )
    return f"{actor.key_prefix}:{key}"


async def once(
    number_id: int,
    key: str | None,
    request_hash: str,
    now: datetime,
    work: Callable[[], Awaitable[Operation]],
) -> tuple[Operation, bool]:
    """Runs `work` in one transaction, under the number's lock, unless the key was used:
    (operation, ran it now)."""
    if key is not None:
        existing = await Operation.get_or_none(idempotency_key=key)
        if existing is not None:
            return _replayed(existing, request_hash), False
    try:
        async with in_transaction():
            # The balance row's lock serialises every operation on this number; a request
            # with the same key that held it before us has committed by now: replay it.
            await ledger.lock_balance(number_id, now)
            if key is not None:
                existing = await Operation.get_or_none(idempotency_key=key)
                if existing is not None:
                    return _replayed(existing, request_hash), False
            return await work(), True
    except IntegrityError:
        # A concurrent request with this key got in first: answer as its replay.
        existing = await Operation.get_or_none(idempotency_key=key) if key else None
        if existing is None:
            raise
        return _replayed(existing, request_hash), False


def _replayed(operation: Operation, request_hash: str) -> Operation:
    if operation.request_hash != request_hash:
        raise Conflict(
            "This idempotency key was used for a different operation.", reason="KEY_REUSED"
        )
    return operation


async def balance_of(number_id: int) -> int:
    amounts = await Balance.filter(number_id=number_id).values_list("amount", flat=True)
    return int(amounts[0]) if amounts else 0
