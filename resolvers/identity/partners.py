"""Partner apps: registration (CLI) and the client-credentials token (RFC 6749 §4.4)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from models import AccessToken, PartnerApp
from resolvers import audit
from resolvers.identity.passwords import hash_password, verify_password
from resolvers.identity.tokens import PARTNER_PREFIX, keyed_hash, new_token
from resolvers.services import Services

PARTNER_TOKEN_LIFETIME = timedelta(hours=1)
SCOPES = ("numbers:read", "balance:read", "usage:read", "topup", "manage", "topup:any")
MAX_FAILED_CLIENT_AUTH_PER_HOUR = 20


# PartnerApp.client_id is a VARCHAR(64): tortoise refuses to even look a longer value up
# (a ValidationError, not "no such app"), so a longer one is answered as no app here.
MAX_CLIENT_ID_LENGTH = 64


async def partner_app_by_client_id(client_id: str, *, active_only: bool) -> PartnerApp | None:
    """The app with this client id; None for any text that cannot be one."""
    if not client_id or len(client_id) > MAX_CLIENT_ID_LENGTH or "\x00" in client_id:
        return None
    found = await PartnerApp.get_or_none(client_id=client_id)
    return found if found and (found.is_active or not active_only) else None


class UnknownScope(ValueError):
    pass


class TokenRequestError(Exception):
    """An OAuth error: `error` is the RFC 6749 code, `status` the HTTP status."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


@dataclass(frozen=True)
class IssuedPartnerToken:
    access_token: str
    expires_in: int
    scope: str


def parse_scopes(raw: str | list[str]) -> list[str]:
    scopes = raw.replace(",", " ").split() if isinstance(raw, str) else list(raw)
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown:
        raise UnknownScope(f"unknown scope(s): {', '.join(unknown)}; known: {', '.join(SCOPES)}")
    return sorted(set(scopes), key=SCOPES.index)


async def register_partner_app(name: str, scopes: list[str]) -> tuple[PartnerApp, str]:
    """Returns the app and its secret; only the secret's argon2 hash is stored."""
    secret = secrets.token_urlsafe(32)
    app = await PartnerApp.create(
        name=name,
        client_id="pa_" + secrets.token_hex(8),
        secret_hash=await hash_password(secret),
        allowed_scopes=parse_scopes(scopes),
    )
    return app, secret


async def issue_partner_token(
    services: Services, client_id: str, client_secret: str, requested_scope: str | None, ip: str
) -> IssuedPartnerToken:
    now = services.clock()
    failures_key = f"partner-auth-failures:{_recordable(client_id)}"
    if await services.counters.count(failures_key) >= MAX_FAILED_CLIENT_AUTH_PER_HOUR:
        await _refused(services, client_id, ip, "too many failed attempts")
        raise TokenRequestError("invalid_client", "Client authentication failed.", 401)
    app = await partner_app_by_client_id(client_id, active_only=False)
    stored_hash = app.secret_hash if app else None
    if not await verify_password(stored_hash, client_secret) or app is None or not app.is_active:
        await services.counters.increment(failures_key, 3600)
        await _refused(services, client_id, ip, "bad client credentials")
        raise TokenRequestError("invalid_client", "Client authentication failed.", 401)
    allowed = list(app.allowed_scopes)
    if requested_scope is None or not requested_scope.strip():
        scopes = allowed
    else:
        try:
            scopes = parse_scopes(requested_scope)
        except UnknownScope:
            scopes = ["<unknown>"]
        if not set(scopes) <= set(allowed):
            await _refused(services, client_id, ip, f"scope not allowed: {requested_scope}")
            raise TokenRequestError(
                "invalid_scope", "The requested scope is not allowed for this client."
            )
    token = new_token(PARTNER_PREFIX)
    await AccessToken.create(
        token_hash=keyed_hash(services.secret_key, token),
        partner_app_id=app.id,
        scopes=scopes,
        created_at=now,
        expires_at=now + PARTNER_TOKEN_LIFETIME,
    )
    await audit.record(
        "partner_token",
        "issued",
        at=now,
        partner_client_id=client_id,
        ip=ip,
        detail=" ".join(scopes),
    )
    return IssuedPartnerToken(token, int(PARTNER_TOKEN_LIFETIME.total_seconds()), " ".join(scopes))


def _recordable(client_id: str) -> str:
    """A client id as counters and the audit log can keep it: as long as a real one at
    most, and without NUL (PostgreSQL refuses it in text, which made a refusal a 500)."""
    return client_id[:MAX_CLIENT_ID_LENGTH].replace("\x00", "\ufffd")


async def _refused(services: Services, client_id: str, ip: str, why: str) -> None:
    await audit.record(
        "partner_token",
        "refused",
        at=services.clock(),
        partner_client_id=_recordable(client_id),
        ip=ip,
        detail=why,
    )


async def disable_partner_app(client_id: str) -> bool:
    """Disables the app; its live tokens stop working on the next request."""
    app = await PartnerApp.get_or_none(client_id=client_id)
    if app is None:
        return False
    await PartnerApp.filter(id=app.id).update(is_active=False)
    await AccessToken.filter(partner_app_id=app.id).delete()
    return True
