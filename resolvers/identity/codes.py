"""One-time SMS codes: 6 digits, stored as a keyed hash, 5 minutes, 5 tries, at most one a
minute and 10 a day per phone. Shared by sign-in and by linking a relative's number."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import F
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models import CodePurpose, OneTimeCode
from resolvers import audit
from resolvers.errors import RateLimited
from resolvers.identity.tokens import keyed_hash
from resolvers.services import Services

CODE_LIFETIME = timedelta(minutes=5)
MAX_TRIES_PER_CODE = 5
RESEND_COOLDOWN_SECONDS = 60
MAX_CODES_PER_DAY = 10
MAX_CODES_PER_IP_PER_HOUR = 30
DAY_SECONDS = 86400


@dataclass(frozen=True)
class CodeRequest:
    resend_after: int
    expires_in: int


def _hash(services: Services, purpose: CodePurpose, phone: str, code: str) -> str:
    # Bound to phone and purpose: a code for one number or use never fits another.
    return keyed_hash(services.secret_key, f"code:{purpose}:{phone}:{code}")


async def issue_code(
    services: Services,
    *,
    phone: str,
    purpose: CodePurpose,
    message: str,
    deliver: bool,
    ip: str,
    requested_by: int | None = None,
    send_to: str | None = None,
) -> CodeRequest:
    """Rate-limits, stores a new code and (if `deliver`) sends `message` with the code in
    place of `{code}`. The same work is done whether or not the code is delivered, so the
    answer does not tell whether the phone belongs to a subscriber. `phone` keys the code
    (and its limits); it is sent there, or to `send_to` (a home contract's code, keyed by
    the contract number, goes to its holder's phone)."""
    await _enforce_limits(services, phone, purpose, ip)
    code = f"{secrets.randbelow(10**6):06d}"
    now = services.clock()
    # A newer code replaces the older ones: they stop working at once.
    await OneTimeCode.filter(phone=phone, purpose=purpose, consumed_at=None).update(consumed_at=now)
    await OneTimeCode.create(
        phone=phone,
        purpose=purpose,
        requested_by_id=requested_by,
        code_hash=_hash(services, purpose, phone, code),
        created_at=now,
        expires_at=now + CODE_LIFETIME,
    )
    if deliver:
        to = send_to or phone
        services.background.spawn(
            _send(services, to, message.format(code=code), purpose, ip), f"sms to {to}"
        )
    else:
        await audit.record("code_sent", "no_subscriber", at=now, phone=phone, ip=ip)
    return CodeRequest(
        resend_after=RESEND_COOLDOWN_SECONDS, expires_in=int(CODE_LIFETIME.total_seconds())
    )


async def _send(services: Services, phone: str, text: str, purpose: CodePurpose, ip: str) -> None:
    try:
        await services.sms.send(phone, text)
    except Exception as exc:
        await audit.record(
            "code_sent",
            "delivery_failed",
            at=services.clock(),
            phone=phone,
            ip=ip,
            detail=f"{purpose}: {exc}",
        )
        raise
    await audit.record(
        "code_sent", "ok", at=services.clock(), phone=phone, ip=ip, detail=str(purpose)
    )


async def _enforce_limits(services: Services, phone: str, purpose: CodePurpose, ip: str) -> None:
    """Each limit is taken atomically before any work (claim / increment-then-compare), so
    a burst of parallel requests cannot slip past it."""
    counters = services.counters
    cooldown_key = f"code-cooldown:{purpose}:{phone}"
    if not await counters.claim(cooldown_key, RESEND_COOLDOWN_SECONDS):
        await _refused(services, phone, ip, "resend cooldown")
        wait = await counters.seconds_left(cooldown_key)
        raise RateLimited("A code was sent less than a minute ago.", retry_after=wait)
    day_key = f"code-day:{purpose}:{phone}"
    if await counters.increment(day_key, DAY_SECONDS) > MAX_CODES_PER_DAY:
        await _refused(services, phone, ip, "daily limit")
        raise RateLimited(
            "Too many codes for this number today.",
            retry_after=await counters.seconds_left(day_key),
        )
    if ip:
        ip_key = f"code-ip:{ip}"
        if await counters.increment(ip_key, 3600) > MAX_CODES_PER_IP_PER_HOUR:
            await _refused(services, phone, ip, "too many codes from this address")
            raise RateLimited(
                "Too many codes requested from this address.",
                retry_after=await counters.seconds_left(ip_key),
            )


async def _refused(services: Services, phone: str, ip: str, why: str) -> None:
    await audit.record("code_sent", "refused", at=services.clock(), phone=phone, ip=ip, detail=why)


async def consume_code(
    services: Services, *, phone: str, purpose: CodePurpose, code: str
) -> OneTimeCode | None:
    """The latest live code for the phone, consumed, if `code` matches it; otherwise None.
    Every call spends one of the code's tries, right or wrong."""
    return await consume_latest(
        OneTimeCode.filter(phone=phone, purpose=purpose, consumed_at=None),
        now=services.clock(),
        expected_hash=lambda _row: _hash(services, purpose, phone, code.strip()),
    )


async def consume_latest(
    live: QuerySet[Any],
    *,
    now: datetime,
    expected_hash: Callable[[Any], str],
    tries: int = MAX_TRIES_PER_CODE,
    then: Callable[[Any], Awaitable[None]] | None = None,
) -> Any | None:
    """Of the unconsumed code rows `live` (a model with code_hash, attempts, expires_at,
    consumed_at), the newest, consumed if its hash is `expected_hash(row)`; otherwise None.
    Each call spends a try first, right or wrong (not undone by a wrong code). `then` runs in
    the consuming transaction (what the code confirms commits with it)."""
    latest = await live.order_by("-created_at", "-id").first()
    if latest is None or latest.expires_at <= now:
        return None
    model = type(latest)
    spent = await model.filter(id=latest.id, attempts__lt=tries).update(attempts=F("attempts") + 1)
    if not spent:
        return None  # tries used up
    if not hmac.compare_digest(latest.code_hash, expected_hash(latest)):
        return None
    async with in_transaction():
        # Only one caller may consume a code, even if two race with the right one.
        if not await model.filter(id=latest.id, consumed_at=None).update(consumed_at=now):
            return None
        if then is not None:
            await then(latest)
    return latest
