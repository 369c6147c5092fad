"""Roaming and call forwarding: validated, stored in `number_settings`, each change an
operation record. Allowed on a blocked number too: neither moves money."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models import ForwardingCondition, NumberSettings, Operation, OperationKind
from resolvers.care.recorded import run_recorded
from resolvers.errors import BadUserInput
from resolvers.identity.phones import normalise_phone
from resolvers.operations.records import Actor

MIN_DELAY_SECONDS, MAX_DELAY_SECONDS, DEFAULT_DELAY_SECONDS = 5, 30, 20


@dataclass(frozen=True)
class ForwardingRule:
    condition: ForwardingCondition
    to: str
    delay_seconds: int | None = None

    def stored(self) -> dict[str, Any]:
        return {
            "condition": self.condition.value,
            "to": self.to,
            "delay_seconds": self.delay_seconds,
        }


def checked_rules(rules: list[ForwardingRule], own_msisdn: str) -> list[ForwardingRule]:
    """One rule per condition, ALWAYS alone, a real number other than this one as target,
    a delay only for NO_ANSWER (5 to 30 s, 20 when not given). Raises BAD_USER_INPUT."""
    conditions = [rule.condition for rule in rules]
    if len(set(conditions)) != len(conditions):
        raise BadUserInput("Give each condition at most once.", field="rules")
    if ForwardingCondition.ALWAYS in conditions and len(conditions) > 1:
        raise BadUserInput(
            "ALWAYS forwards every call: it cannot be combined with other conditions.",
            field="rules",
        )
    checked = []
    for index, rule in enumerate(rules):
        field = f"rules.{index}"
        try:
            to = normalise_phone(rule.to)
        except BadUserInput:
            raise BadUserInput(
                "Forward to a phone number in international form, e.g. +79161234567.",
                field=f"{field}.to",
            ) from None
        if to == own_msisdn:
            raise BadUserInput("A number cannot forward calls to itself.", field=f"{field}.to")
        delay = rule.delay_seconds
        if rule.condition is ForwardingCondition.NO_ANSWER:
            delay = DEFAULT_DELAY_SECONDS if delay is None else delay
            if not MIN_DELAY_SECONDS <= delay <= MAX_DELAY_SECONDS:
                raise BadUserInput(
                    f"delaySeconds must be {MIN_DELAY_SECONDS} to {MAX_DELAY_SECONDS}.",
                    field=f"{field}.delaySeconds",
                )
        elif delay is not None:
            raise BadUserInput("delaySeconds is only for NO_ANSWER.", field=f"{field}.delaySeconds")
        checked.append(ForwardingRule(rule.condition, to, delay))
    return checked


async def set_roaming(
    number_id: int, enabled: bool, actor: Actor, key: str | None, now: datetime
) -> Operation:
    async def work() -> dict[str, Any]:
        settings = await NumberSettings.get_or_none(number_id=number_id)
        before = bool(settings and settings.roaming_enabled)
        await _save(number_id, now, roaming_enabled=enabled)
        return {"enabled": enabled, "was_enabled": before}

    return await run_recorded(number_id, OperationKind.ROAMING, actor, key, (enabled,), now, work)


async def set_call_forwarding(
    number_id: int,
    msisdn: str,
    rules: list[ForwardingRule],
    actor: Actor,
    key: str | None,
    now: datetime,
) -> Operation:
    stored = [rule.stored() for rule in checked_rules(rules, msisdn)]

    async def work() -> dict[str, Any]:
        await _save(number_id, now, call_forwarding=stored)
        return {"rules": stored}

    return await run_recorded(
        number_id, OperationKind.CALL_FORWARDING, actor, key, (stored,), now, work
    )


async def _save(number_id: int, now: datetime, **values: Any) -> None:
    changed = await NumberSettings.filter(number_id=number_id).update(updated_at=now, **values)
    if not changed:
        # The number's lock (held by the caller) makes this the only writer of its row.
        await NumberSettings.create(number_id=number_id, updated_at=now, **values)
