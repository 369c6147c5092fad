"""Lock-out: 10 failed sign-ins in a row for one phone (codes and passwords together) lock
it for an hour, counted in the store every gateway process shares.

An attempt is counted before its code or password is checked (and forgiven on success), so
a burst of parallel guesses gets no more than ten tries. Sign-ins from one IP address are
throttled too, against guessing one password across many phones.
"""

from __future__ import annotations

from resolvers import audit
from resolvers.errors import RateLimited
from resolvers.services import Services

MAX_FAILURES_IN_A_ROW = 10
LOCK_SECONDS = 3600
MAX_ATTEMPTS_PER_IP_PER_HOUR = 100


def _attempts_key(subject: str) -> str:
    return f"signin-failures:{subject}"


def _lock_key(subject: str) -> str:
    return f"signin-lock:{subject}"


async def begin_attempt(services: Services, subject: str, ip: str) -> None:
    """Counts one attempt for `subject` (a phone, or a phone and an asker) or refuses it."""
    counters = services.counters
    seconds = await counters.seconds_left(_lock_key(subject))
    if seconds > 0:
        await audit.record("sign_in", "locked", at=services.clock(), phone=subject[:16], ip=ip)
        raise RateLimited("Too many failed attempts. Try again later.", retry_after=seconds)
    if ip and await counters.increment(f"signin-ip:{ip}", 3600) > MAX_ATTEMPTS_PER_IP_PER_HOUR:
        raise RateLimited(
            "Too many sign-in attempts from this address.",
            retry_after=await counters.seconds_left(f"signin-ip:{ip}"),
        )
    attempts = await counters.increment(_attempts_key(subject), LOCK_SECONDS)
    if attempts > MAX_FAILURES_IN_A_ROW:
        # The count is left to expire, not reset: a parallel attempt that checked the lock a
        # moment ago must still find itself over the limit.
        await counters.hold(_lock_key(subject), LOCK_SECONDS)
        await audit.record(
            "lockout",
            "locked",
            at=services.clock(),
            phone=subject[:16],
            ip=ip,
            detail=f"{MAX_FAILURES_IN_A_ROW} failed attempts in a row",
        )
        raise RateLimited("Too many failed attempts. Try again later.", retry_after=LOCK_SECONDS)


async def succeeded(services: Services, subject: str) -> None:
    """The attempt was right: the row of failures starts again."""
    await services.counters.delete(_attempts_key(subject))
