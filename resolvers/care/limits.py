"""Parental limits: what the owner lets the number's user (a child) do, and holding the
user to them in the tariff and service operations.

Only the number's user is held (permissions/limits.py). Every refusal is FORBIDDEN with
`extensions.reason` naming the limit, and the owner is told of the attempt: the refusal
rolls back the operation's transaction, so the notice is written in its own, after it.

The monthly spend cap counts every debit of the calendar month (UTC) on the number, fees
and usage charges alike, and refuses only the debits the user starts (a tariff change now,
a service's connection fee, a trust payment's fee), checked under the number's lock in the
transaction that would post it, so the ledger never holds a debit past the cap from the
user's operations.
Recurring fees and network usage are not refused: the operator bills usage after it
happened and cannot take it back, and monthly fees keep the services the owner chose; they
count towards the cap, so after them the user's own paid operations stop sooner.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from models import LedgerKind, NumberLimits, Operation, OperationKind
from permissions.limits import held_by_limits, over_cap
from resolvers.care import tell
from resolvers.care.recorded import run_recorded
from resolvers.errors import BadUserInput, Forbidden
from resolvers.operations.records import Actor
from resolvers.operations.refusals import rub
from resolvers.reach import month_start
from resolvers.sql import fetch_all

# Fees and charges: what the number spends (trust repayments only return a credit).
_SPENT_SQL = f"""
SELECT SUM(amount) AS total FROM ledger_entries
WHERE number_id = ? AND created_at >= ? AND amount < 0
  AND kind IN ('{LedgerKind.FEE.value}', '{LedgerKind.CHARGE.value}')
"""  # noqa: S608 (only our own constants)


class LimitRefusal(Forbidden):
    """A refusal by the owner's limits: the owner hears of it."""


@dataclass(frozen=True)
class Limits:
    monthly_spend_cap: int | None = None
    forbidden_service_categories: tuple[str, ...] = ()
    user_may_change_tariff: bool = True
    user_may_connect_services: bool = True

    def stored(self) -> dict[str, Any]:
        return {
            "monthly_spend_cap": self.monthly_spend_cap,
            "forbidden_service_categories": list(self.forbidden_service_categories),
            "user_may_change_tariff": self.user_may_change_tariff,
            "user_may_connect_services": self.user_may_connect_services,
        }


async def set_limits(
    number_id: int, limits: Limits, categories: set[str], actor: Actor, now: datetime
) -> Operation:
    unknown = sorted(set(limits.forbidden_service_categories) - categories)
    if unknown:
        raise BadUserInput(
            f"No such service categories: {', '.join(unknown)}. "
            f"The categories are: {', '.join(sorted(categories))}.",
            field="forbiddenServiceCategories",
        )
    if limits.monthly_spend_cap is not None and limits.monthly_spend_cap < 0:
        raise BadUserInput("monthlySpendCap cannot be negative.", field="monthlySpendCap")
    values = {
        **limits.stored(),
        "forbidden_service_categories": sorted(set(limits.forbidden_service_categories)),
    }

    async def work() -> dict[str, Any]:
        changed = await NumberLimits.filter(number_id=number_id).update(
            set_by_id=actor.subscriber_id, updated_at=now, **values
        )
        if not changed:
            await NumberLimits.create(
                number_id=number_id, set_by_id=actor.subscriber_id, updated_at=now, **values
            )
        return values

    return await run_recorded(
        number_id, OperationKind.LIMITS, actor, None, (sorted(values.items()), now), now, work
    )


async def remove_limits(number_id: int, actor: Actor, now: datetime) -> Operation:
    async def work() -> dict[str, Any]:
        await NumberLimits.filter(number_id=number_id).delete()
        return {"removed": True}

    return await run_recorded(
        number_id, OperationKind.LIMITS, actor, None, ("remove", now), now, work
    )


async def _limits_on(number_id: int, actor: Actor) -> NumberLimits | None:
    if not held_by_limits(actor.role):
        return None
    return await NumberLimits.get_or_none(number_id=number_id)


async def hold_tariff_change(number_id: int, actor: Actor) -> None:
    limits = await _limits_on(number_id, actor)
    if limits is not None and not limits.user_may_change_tariff:
        raise LimitRefusal(
            "The owner's limits on this number do not allow changing its tariff.",
            reason="TARIFF_CHANGE_NOT_ALLOWED",
        )


async def hold_service_change(
    number_id: int, actor: Actor, service: dict[str, Any], connecting: bool
) -> None:
    """Connecting or disconnecting: the owner chose the services (parental control is one);
    a forbidden category only stops connecting."""
    limits = await _limits_on(number_id, actor)
    if limits is None:
        return
    if not limits.user_may_connect_services:
        raise LimitRefusal(
            "The owner's limits on this number do not allow connecting or disconnecting services.",
            reason="SERVICES_NOT_ALLOWED",
        )
    if connecting and service["category"] in limits.forbidden_service_categories:
        raise LimitRefusal(
            f"The owner's limits on this number forbid services of the category "
            f"«{service['category']}», such as «{service['name']}».",
            reason="SERVICE_CATEGORY_FORBIDDEN",
            category=service["category"],
        )


async def hold_spend(number_id: int, actor: Actor, amount: int, now: datetime) -> None:
    """Inside the operation's transaction, under the number's lock, before the debit."""
    limits = await _limits_on(number_id, actor)
    if limits is None or limits.monthly_spend_cap is None:
        return
    spent = await spent_this_month(number_id, now)
    if over_cap(limits.monthly_spend_cap, spent, amount):
        cap = limits.monthly_spend_cap
        raise LimitRefusal(
            f"This costs {rub(amount)}, and {rub(spent)} of the monthly spend cap of "
            f"{rub(cap)} set by the owner is already spent this month.",
            reason="MONTHLY_SPEND_CAP",
            cap=rub(cap),
            spent=rub(spent),
        )


async def spent_this_month(number_id: int, now: datetime) -> int:
    rows = await fetch_all(_SPENT_SQL, [number_id, month_start(now)])
    return -int(rows[0]["total"] or 0) if rows else 0


@contextlib.asynccontextmanager
async def owner_told_of_refusals(number_id: int, what: str) -> AsyncIterator[None]:
    """Around an operation by anyone: a limit's refusal is told to the owner, then raised."""
    try:
        yield
    except LimitRefusal as refusal:
        async with in_transaction():
            await tell.owner(
                number_id,
                f"A limit refused {what}",
                f"The number's user tried {what}: {refusal.message}",
            )
        raise
