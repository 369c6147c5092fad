"""Sessions and their tokens: 15-minute access tokens, 30-day refresh tokens that rotate on
use; a refresh token presented twice revokes its whole session (theft detection)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from models import AccessToken, RefreshToken, Session, SignInMethod
from permissions.viewer import Viewer
from resolvers import audit
from resolvers.errors import NotFound, Unauthenticated
from resolvers.identity.tokens import ACCESS_PREFIX, REFRESH_PREFIX, keyed_hash, new_token
from resolvers.services import Services
from resolvers.sql import as_datetime, as_json, fetch_rows

# Runs on every authenticated request: plain SQL, one indexed lookup, no ORM query building.
_VIEWER_LOOKUP_SQL = """
SELECT t.expires_at, t.scopes, t.session_id, t.partner_app_id,
       s.subscriber_id, s.revoked_at, s.last_used_at, s.line_id,
       p.is_active AS partner_active
FROM access_tokens t
LEFT JOIN sessions s ON s.id = t.session_id
LEFT JOIN partner_apps p ON p.id = t.partner_app_id
WHERE t.token_hash = ?
"""
ACCESS_TOKEN_LIFETIME = timedelta(minutes=15)
REFRESH_TOKEN_LIFETIME = timedelta(days=30)
# Writing last_used_at on every request would turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_at: datetime
    subscriber_id: int
    session_id: int


async def start_session(
    services: Services,
    *,
    subscriber_id: int,
    method: SignInMethod,
    user_agent: str,
    ip: str,
    line_id: int | None = None,
) -> TokenPair:
    """`line_id`: a contract's sign-in, whose session reaches that line only."""
    now = services.clock()
    async with in_transaction():
        session = await Session.create(
            subscriber_id=subscriber_id,
            method=method,
            line_id=line_id,
            user_agent=user_agent[:256],
            ip=ip[:64],
            created_at=now,
            last_used_at=now,
            expires_at=now + REFRESH_TOKEN_LIFETIME,
        )
        return await _issue_tokens(services, session, now)


async def _issue_tokens(services: Services, session: Session, now: datetime) -> TokenPair:
    access, refresh = new_token(ACCESS_PREFIX), new_token(REFRESH_PREFIX)
    await AccessToken.create(
        token_hash=keyed_hash(services.secret_key, access),
        session_id=session.id,
        created_at=now,
        expires_at=now + ACCESS_TOKEN_LIFETIME,
    )
    await RefreshToken.create(
        token_hash=keyed_hash(services.secret_key, refresh),
        session_id=session.id,
        created_at=now,
        expires_at=now + REFRESH_TOKEN_LIFETIME,
    )
    return TokenPair(
        access, refresh, now + ACCESS_TOKEN_LIFETIME, session.subscriber_id, session.id
    )


async def refresh_session(services: Services, refresh_token: str, ip: str) -> TokenPair:
    now = services.clock()
    refused = Unauthenticated("This refresh token is not valid. Sign in again.")
    row = await RefreshToken.get_or_none(token_hash=keyed_hash(services.secret_key, refresh_token))
    if row is None:
        raise refused
    session = await Session.get(id=row.session_id)
    if session.revoked_at is not None or row.expires_at <= now or session.expires_at <= now:
        raise refused
    async with in_transaction():
        # The conditional update is the guard: of two racing uses, exactly one wins.
        first_use = await RefreshToken.filter(id=row.id, used_at=None).update(used_at=now)
        if first_use:
            await AccessToken.filter(session_id=session.id).delete()
            await Session.filter(id=session.id).update(
                last_used_at=now, expires_at=now + REFRESH_TOKEN_LIFETIME
            )
            return await _issue_tokens(services, session, now)
    await revoke_sessions(services, [session.id], reason="refresh_token_reuse", ip=ip)
    raise refused


async def revoke_sessions(
    services: Services, session_ids: list[int], *, reason: str, ip: str = ""
) -> int:
    """Revokes the sessions and deletes their tokens; returns how many were live."""
    if not session_ids:
        return 0
    now = services.clock()
    async with in_transaction():
        live = await Session.filter(id__in=session_ids, revoked_at=None).values_list(
            "id", "subscriber_id"
        )
        await Session.filter(id__in=session_ids, revoked_at=None).update(
            revoked_at=now, revoke_reason=reason
        )
        await AccessToken.filter(session_id__in=session_ids).delete()
        await RefreshToken.filter(session_id__in=session_ids, used_at=None).update(used_at=now)
    for session_id, subscriber_id in live:
        await audit.record(
            "session_revoked",
            "ok",
            at=now,
            subscriber_id=subscriber_id,
            ip=ip,
            detail=f"session {session_id}: {reason}",
        )
    return len(live)


def _signed_in(viewer: Viewer) -> tuple[int, int]:
    if viewer.subscriber_id is None or viewer.session_id is None:
        raise Unauthenticated("Sign in first.")
    return viewer.subscriber_id, viewer.session_id


async def revoke_own_session(services: Services, viewer: Viewer, session_id: int, ip: str) -> int:
    subscriber_id, _ = _signed_in(viewer)
    if session_id not in await live_session_ids(subscriber_id):
        raise NotFound("No such session.")  # someone else's looks the same as none
    return await revoke_sessions(services, [session_id], reason="revoked_by_subscriber", ip=ip)


async def sign_out(services: Services, viewer: Viewer, ip: str) -> int:
    _, session_id = _signed_in(viewer)
    return await revoke_sessions(services, [session_id], reason="signed_out", ip=ip)


async def sign_out_everywhere(services: Services, viewer: Viewer, ip: str) -> int:
    subscriber_id, _ = _signed_in(viewer)
    own = await live_session_ids(subscriber_id)
    return await revoke_sessions(services, own, reason="signed_out_everywhere", ip=ip)


async def live_session_ids(subscriber_id: int, *, except_id: int | None = None) -> list[int]:
    query = Session.filter(subscriber_id=subscriber_id, revoked_at=None)
    if except_id is not None:
        query = query.exclude(id=except_id)
    return list(await query.values_list("id", flat=True))


async def list_sessions(services: Services, subscriber_id: int) -> list[Session]:
    return await Session.filter(
        subscriber_id=subscriber_id, revoked_at=None, expires_at__gt=services.clock()
    ).order_by("-last_used_at")


async def viewer_for_access_token(services: Services, token: str) -> Viewer | None:
    """The viewer a bearer token stands for, or None if it is unknown, expired or revoked.
    One indexed query; revocation and expiry take effect on the next request everywhere."""
    rows = await fetch_rows(_VIEWER_LOOKUP_SQL, [keyed_hash(services.secret_key, token)])
    if not rows:
        return None
    row = rows[0]
    now = services.clock()
    expires_at = as_datetime(row["expires_at"])
    if expires_at is None or expires_at <= now:
        return None
    if row["partner_app_id"] is not None:
        if not row["partner_active"]:
            return None
        return Viewer(
            partner_app_id=row["partner_app_id"], scopes=frozenset(as_json(row["scopes"]))
        )
    if row["revoked_at"] is not None or row["subscriber_id"] is None:
        return None
    last_used_at = as_datetime(row["last_used_at"])
    if last_used_at is None or now - last_used_at > LAST_USED_RESOLUTION:
        await Session.filter(id=row["session_id"]).update(last_used_at=now)
    return Viewer(
        subscriber_id=row["subscriber_id"], session_id=row["session_id"], line_id=row["line_id"]
    )
