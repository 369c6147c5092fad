"""Shared by the access operations: row shapes, input checks, locating numbers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from models import AccessGrant, ActorRole, OperationKind
from permissions.levels import Level
from permissions.viewer import Viewer
from resolvers.errors import BadUserInput, Forbidden, NotFound, Unauthenticated
from resolvers.home.naming import LineName, find_line
from resolvers.identity.phones import normalise_phone
from resolvers.loaders import GRANT_COLUMNS, GRANT_LINE_NAMES, Loaders
from resolvers.money.amounts import to_minor_units
from resolvers.operations.records import Actor, record
from resolvers.reach import NumberRow


async def grant_rows(query: Any) -> list[dict[str, Any]]:
    return await query.order_by("-id").values(*GRANT_COLUMNS, **GRANT_LINE_NAMES)


def subscriber_of(viewer: Viewer) -> int:
    if viewer.subscriber_id is None:
        raise Unauthenticated("Sign in as a subscriber first.")
    return viewer.subscriber_id


async def number_at_level(loaders: Loaders, raw_msisdn: str, required: Level) -> NumberRow:
    """The number if the viewer has `required` on it. A number they cannot see is NOT_FOUND
    (like one that does not exist); one they see at a lower level is FORBIDDEN."""
    return await line_at_level(loaders, LineName(normalise_phone(raw_msisdn), None), required)


async def line_at_level(loaders: Loaders, name: LineName, required: Level) -> NumberRow:
    """The same for a line named by msisdn or contract number."""
    if loaders.viewer is None or loaders.viewer.is_anonymous:
        raise Unauthenticated("Sign in first.")
    reach = await loaders.reach()
    number = find_line(reach, name)
    level = reach.level(number.id) if number else Level.NONE
    if number is None or level is Level.NONE:
        raise NotFound("No such number.")
    if level < required:
        raise Forbidden(f"This needs {required.name} access to the number.")
    return number


def future_expiry(expires_at: datetime | None, now: datetime) -> datetime | None:
    if expires_at is None:
        return None
    if expires_at.tzinfo is None:
        raise BadUserInput("Give expiresAt with a timezone, e.g. 2027-01-31T00:00:00Z.")
    if expires_at <= now:
        raise BadUserInput("expiresAt must be in the future.", field="expiresAt")
    # Stored in UTC: SQLite compares timestamps as text, so every offset must be the same.
    return expires_at.astimezone(UTC)


def positive_limit(amount: Decimal | None, currency: str = "RUB") -> int | None:
    if amount is None:
        return None
    try:
        minor = to_minor_units(amount, currency)
    except ValueError as exc:
        raise BadUserInput(str(exc), field="topUpMonthlyLimit") from exc
    if minor <= 0:
        raise BadUserInput("topUpMonthlyLimit must be positive.", field="topUpMonthlyLimit")
    return minor


async def record_grant(
    kind: OperationKind, grant: AccessGrant, actor: Actor, now: datetime, **extra: Any
) -> None:
    """The grant's record in the number's history, inside the grant's own transaction. The
    grantee is kept as a kind and an id only: the summary names no one."""
    details = {
        "grant_id": grant.id,
        "level": str(grant.level),
        "source": str(grant.source),
        "grantee": "partner" if grant.grantee_partner_id is not None else "subscriber",
        "topup_monthly_limit": grant.topup_monthly_limit,
        **extra,
    }
    await record(grant.number_id, kind, actor, now, details)


def owner_actor(owner_id: int) -> Actor:
    return Actor(ActorRole.OWNER, subscriber_id=owner_id)
