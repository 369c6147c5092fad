"""Blocking a line: VOLUNTARY (a pause of at most 90 days that lifts itself when it
ends: a phone number's or a home contract's holiday) or LOST (a phone number's lost SIM:
holds until someone unblocks it). While blocked, the tariff and services
cannot change; top-ups, usage and reading the number still work.

The block lives on the number row (status, reason, since, until) so that `Number.status`
and `Number.block` come with the viewer's reach; `block_operation_id` names the BLOCK
operation that set it, and every lift is an UPDATE guarded by it and by the status: of a
person's unblock and any number of workers racing, exactly one changes the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from models import BlockReason, Number, NumberStatus, Operation, OperationKind
from resolvers.care import tell
from resolvers.care.recorded import record_completed, run_recorded
from resolvers.errors import BadUserInput, Conflict
from resolvers.home.words import noun_of
from resolvers.operations import refusals
from resolvers.operations.records import SYSTEM, Actor

MAX_VOLUNTARY_BLOCK = timedelta(days=90)
_UNBLOCKED = {
    "status": NumberStatus.ACTIVE,
    "block_reason": None,
    "blocked_at": None,
    "blocked_until": None,
    "block_operation_id": None,
}


@dataclass(frozen=True)
class BlockRequest:
    number_id: int
    reason: BlockReason
    until: datetime | None
    idempotency_key: str | None = None


def check_until(reason: BlockReason, until: datetime | None, now: datetime) -> None:
    if reason is BlockReason.LOST:
        if until is not None:
            raise BadUserInput(
                "A lost-SIM block holds until the number is unblocked: leave until empty.",
                field="until",
            )
        return
    if until is None:
        raise BadUserInput("A voluntary block needs until: when it ends.", field="until")
    if until <= now:
        raise BadUserInput("until must be in the future.", field="until")
    if until - now > MAX_VOLUNTARY_BLOCK:
        raise BadUserInput(
            f"A voluntary block lasts at most {MAX_VOLUNTARY_BLOCK.days} days: until must be "
            f"no later than {refusals.when(now + MAX_VOLUNTARY_BLOCK)}.",
            field="until",
            reason="BLOCK_TOO_LONG",
            maxDays=MAX_VOLUNTARY_BLOCK.days,
        )


async def block_number(request: BlockRequest, actor: Actor, now: datetime) -> Operation:
    check_until(request.reason, request.until, now)
    number_id = request.number_id

    async def check() -> dict[str, object]:
        number = await Number.get(id=number_id)
        if number.status is NumberStatus.BLOCKED:
            raise already_blocked(number)
        if number.status is not NumberStatus.ACTIVE:
            raise refusals.number_not_active(number.status, kind=number.kind)
        return {
            "reason": request.reason.value,
            "until": request.until.isoformat() if request.until else None,
        }

    async def block(operation: Operation) -> None:
        await Number.filter(id=number_id).update(
            status=NumberStatus.BLOCKED,
            block_reason=request.reason,
            blocked_at=now,
            blocked_until=request.until,
            block_operation_id=operation.id,
        )
        until = f"until {refusals.when(request.until)}" if request.until else "as lost"
        await tell.everyone(number_id, f"The {{noun}} is blocked {until}", actor)

    return await run_recorded(
        number_id,
        OperationKind.BLOCK,
        actor,
        request.idempotency_key,
        (request.reason, request.until),
        now,
        check,
        block,
    )


def already_blocked(number: Number) -> Conflict:
    until = f"until {refusals.when(number.blocked_until)}" if number.blocked_until else "as lost"
    return Conflict(
        f"The {noun_of(number.kind)} is already blocked {until}.", reason="ALREADY_BLOCKED"
    )


async def unblock_number(
    number_id: int, actor: Actor, idempotency_key: str | None, now: datetime
) -> Operation:
    """A person lifts the block in force, of either reason, before it ends."""

    async def lift() -> dict[str, object]:
        number = await Number.get(id=number_id)
        lifted = number.status is NumberStatus.BLOCKED and await lift_block(
            number_id, number.block_operation_id
        )
        if not lifted:
            noun = noun_of(number.kind)
            raise Conflict(f"The {noun} is not blocked.", reason="NOT_BLOCKED")
        return {"block_operation_id": number.block_operation_id, "ended": False}

    async def told(operation: Operation) -> None:
        await tell.everyone(number_id, "The {noun} is unblocked", actor)

    return await run_recorded(
        number_id, OperationKind.UNBLOCK, actor, idempotency_key, (), now, lift, told
    )


async def lift_block(number_id: int, block_operation_id: int | None) -> bool:
    """The guarded change: true only for the one caller that moved the row. A block set
    before blocks were recorded (no operation) is lifted by its status alone."""
    by_block = (
        {"block_operation_id": block_operation_id}
        if block_operation_id is not None
        else {"block_operation_id__isnull": True}
    )
    lifted = await Number.filter(id=number_id, status=NumberStatus.BLOCKED, **by_block).update(
        **_UNBLOCKED
    )
    return bool(lifted)


@dataclass(frozen=True)
class LiftedBlock:
    number_id: int
    unblock_operation_id: int


async def lift_ended_blocks(now: datetime, batch: int = 200) -> list[LiftedBlock]:
    """The worker's pass: every voluntary block whose end has come is lifted, once, and
    an UNBLOCK by SYSTEM recorded with it. Each is claimed by the guarded UPDATE in the
    transaction that records it: a second worker's UPDATE waits for the first one's row
    lock (PostgreSQL), then finds the row ACTIVE and does nothing."""
    due = (
        await Number.filter(
            status=NumberStatus.BLOCKED,
            block_reason=BlockReason.VOLUNTARY,
            blocked_until__lte=now,
        )
        .order_by("blocked_until", "id")
        .limit(batch)
        .values_list("id", "block_operation_id")
    )
    lifted = []
    for number_id, block_operation_id in due:
        async with in_transaction():
            if not await lift_block(number_id, block_operation_id):
                continue  # another worker lifted it, or a person did
            operation = await record_completed(
                number_id,
                OperationKind.UNBLOCK,
                {"block_operation_id": block_operation_id, "ended": True},
                SYSTEM,
                now,
            )
            await tell.everyone(number_id, "The voluntary block has ended", SYSTEM)
        lifted.append(LiftedBlock(number_id, operation.id))
    return lifted
