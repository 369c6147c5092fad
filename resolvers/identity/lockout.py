"""Lock-out: 10 failed sign-ins in a row for one phone (codes and passwords together)
lock it for an hour, counted in the store every gateway process shares."""

from __future__ import annotations

from resolvers import audit
from resolvers.errors import RateLimited
from resolvers.services import Services

MAX_FAILURES_IN_A_ROW = 10
LOCK_SECONDS = 3600


def _failures_key(phone: str) -> str:
    return f"signin-failures:{phone}"


def _lock_key(phone: str) -> str:
    return f"signin-lock:{phone}"


async def refuse_if_locked(services: Services, phone: str, ip: str) -> None:
    seconds = await services.counters.seconds_left(_lock_key(phone))
    if seconds > 0:
        await audit.record("sign_in", "locked", at=services.clock(), phone=phone, ip=ip)
        raise RateLimited(
            "Too many failed sign-ins for this number. Try again later.", retry_after=seconds
        )


async def record_failure(services: Services, phone: str, ip: str) -> None:
    failures = await services.counters.increment(_failures_key(phone), LOCK_SECONDS)
    if failures >= MAX_FAILURES_IN_A_ROW:
        await services.counters.hold(_lock_key(phone), LOCK_SECONDS)
        await services.counters.delete(_failures_key(phone))
        await audit.record(
            "lockout",
            "locked",
            at=services.clock(),
            phone=phone,
            ip=ip,
            detail=f"{failures} failed sign-ins in a row",
        )


async def record_success(services: Services, phone: str) -> None:
    await services.counters.delete(_failures_key(phone))
