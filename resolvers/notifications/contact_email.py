"""The contact e-mail: an address is used for notifications only once the subscriber has
entered the code sent to it (requestEmailConfirmation, confirmEmail).

Codes: 6 digits, kept as a keyed hash bound to the subscriber and the address, 30 minutes,
5 tries; one request a minute and 5 a day per subscriber (the shared counters, as sign-in
codes). The code travels through the notification outbox: retried, never lost silently.

Addresses are checked here rather than with a validation library: one plain address, no
display name, no spaces or line breaks (it becomes a mail header), the domain with a dot.
Whether it exists is what the code proves."""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models import EmailConfirmation, NotificationChannel, Subscriber
from resolvers.errors import BadUserInput, RateLimited
from resolvers.identity.tokens import keyed_hash
from resolvers.notifications.outbox import enqueue
from resolvers.services import Services

CODE_LIFETIME = timedelta(minutes=30)
MAX_TRIES_PER_CODE = 5
RESEND_COOLDOWN_SECONDS = 60
MAX_CODES_PER_DAY = 5
DAY_SECONDS = 86400
MAX_EMAIL_LENGTH = 254

_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
SUBJECT = "Подтверждение адреса для личного кабинета"
TEXT = (
    "Код подтверждения адреса: {code}. Введите его в личном кабинете в течение 30 минут.\n"
    "Если вы не указывали этот адрес, просто удалите письмо."
)


@dataclass(frozen=True)
class ConfirmationRequest:
    email: str
    resend_after: int
    expires_in: int


def normalise_email(raw: str) -> str:
    email = raw.strip()
    local, _, domain = email.rpartition("@")
    if len(email) > MAX_EMAIL_LENGTH or len(local) > 64 or not _EMAIL.match(email):
        raise BadUserInput("Give one e-mail address, like anna@example.org.", field="email")
    return f"{local}@{domain.lower()}"


def _hash(services: Services, subscriber_id: int, email: str, code: str) -> str:
    return keyed_hash(services.secret_key, f"email-code:{subscriber_id}:{email}:{code}")


async def request_confirmation(
    services: Services, subscriber_id: int, raw_email: str
) -> ConfirmationRequest:
    """Sets the address as the (unconfirmed) contact e-mail and sends it a code. Until the
    code is entered nothing else is sent to it."""
    email = normalise_email(raw_email)
    await _enforce_limits(services, subscriber_id)
    code = f"{secrets.randbelow(10**6):06d}"
    now = services.clock()
    async with in_transaction():
        # A newer code replaces the older ones: they stop working at once.
        await EmailConfirmation.filter(subscriber_id=subscriber_id, consumed_at=None).update(
            consumed_at=now
        )
        await EmailConfirmation.create(
            subscriber_id=subscriber_id,
            email=email,
            code_hash=_hash(services, subscriber_id, email, code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
        await Subscriber.filter(id=subscriber_id).update(
            contact_email=email, contact_email_confirmed_at=None
        )
        await enqueue(
            subscriber_id, None, NotificationChannel.EMAIL, email, SUBJECT, TEXT.format(code=code)
        )
    return ConfirmationRequest(
        email=email,
        resend_after=RESEND_COOLDOWN_SECONDS,
        expires_in=int(CODE_LIFETIME.total_seconds()),
    )


async def _enforce_limits(services: Services, subscriber_id: int) -> None:
    counters = services.counters
    cooldown_key = f"email-code-cooldown:{subscriber_id}"
    if not await counters.claim(cooldown_key, RESEND_COOLDOWN_SECONDS):
        raise RateLimited(
            "A code was sent less than a minute ago.",
            retry_after=await counters.seconds_left(cooldown_key),
        )
    day_key = f"email-code-day:{subscriber_id}"
    if await counters.increment(day_key, DAY_SECONDS) > MAX_CODES_PER_DAY:
        raise RateLimited(
            "Too many confirmation codes today.", retry_after=await counters.seconds_left(day_key)
        )


async def confirm(services: Services, subscriber_id: int, code: str) -> str:
    """The confirmed address; BAD_USER_INPUT for a wrong, used-up or expired code (each
    try, right or wrong, spends one of the code's tries)."""
    now = services.clock()
    wrong = BadUserInput("The code is wrong or has expired: ask for a new one.", field="code")
    latest = (
        await EmailConfirmation.filter(subscriber_id=subscriber_id, consumed_at=None)
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is None or latest.expires_at <= now:
        raise wrong
    spent = await EmailConfirmation.filter(id=latest.id, attempts__lt=MAX_TRIES_PER_CODE).update(
        attempts=F("attempts") + 1
    )
    if not spent:
        raise wrong
    expected = _hash(services, subscriber_id, latest.email, code.strip())
    if not hmac.compare_digest(latest.code_hash, expected):
        raise wrong
    async with in_transaction():
        if not await EmailConfirmation.filter(id=latest.id, consumed_at=None).update(
            consumed_at=now
        ):
            raise wrong  # a racing request consumed it first
        await Subscriber.filter(id=subscriber_id).update(
            contact_email=latest.email, contact_email_confirmed_at=now
        )
    return latest.email
