"""Setting a password (after signing in by code) and changing it."""

from __future__ import annotations

from models import Session, SignInMethod, Subscriber
from permissions.viewer import Viewer
from resolvers import audit
from resolvers.errors import Forbidden, Unauthenticated
from resolvers.identity import lockout
from resolvers.identity.password_policy import check_new_password
from resolvers.identity.passwords import hash_password, verify_password
from resolvers.identity.sessions import live_session_ids, revoke_sessions
from resolvers.services import Services


async def _signed_in_subscriber(viewer: Viewer) -> Subscriber:
    if viewer.subscriber_id is None or viewer.session_id is None:
        raise Unauthenticated("Sign in first.")
    return await Subscriber.get(id=viewer.subscriber_id)


async def set_password(services: Services, viewer: Viewer, new_password: str, ip: str) -> int:
    """Sets (or resets) the password from a session opened with an SMS code; a forgotten
    password is reset this way. Other sessions are revoked. Returns how many."""
    subscriber = await _signed_in_subscriber(viewer)
    session = await Session.get(id=viewer.session_id)
    if session.method is not SignInMethod.CODE:
        raise Forbidden(
            "Setting a password needs a session opened with an SMS code; "
            "use changePassword to change a known password."
        )
    check_new_password(new_password, subscriber.phone)
    return await _store(services, subscriber, viewer, new_password, "password_set", ip)


async def change_password(
    services: Services, viewer: Viewer, old_password: str, new_password: str, ip: str
) -> int:
    subscriber = await _signed_in_subscriber(viewer)
    # A stolen access token must not buy unlimited guesses of the current password.
    subject = f"password-change:{subscriber.id}"
    await lockout.begin_attempt(services, subject, ip)
    if not await verify_password(subscriber.password_hash, old_password):
        await audit.record(
            "password_changed",
            "failed",
            at=services.clock(),
            phone=subscriber.phone,
            subscriber_id=subscriber.id,
            ip=ip,
            detail="wrong current password",
        )
        raise Unauthenticated("The current password is wrong.")
    await lockout.succeeded(services, subject)
    check_new_password(new_password, subscriber.phone)
    return await _store(services, subscriber, viewer, new_password, "password_changed", ip)


async def _store(
    services: Services, subscriber: Subscriber, viewer: Viewer, password: str, event: str, ip: str
) -> int:
    subscriber.password_hash = await hash_password(password)
    await subscriber.save(update_fields=["password_hash"])
    others = await live_session_ids(subscriber.id, except_id=viewer.session_id)
    revoked = await revoke_sessions(services, others, reason=event, ip=ip)
    await audit.record(
        event,
        "ok",
        at=services.clock(),
        phone=subscriber.phone,
        subscriber_id=subscriber.id,
        ip=ip,
        detail=f"{revoked} other session(s) revoked",
    )
    return revoked
