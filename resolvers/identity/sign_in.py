"""Signing in by SMS code or by password."""

from __future__ import annotations

from typing import NoReturn

from models import CodePurpose, SignInMethod, Subscriber
from resolvers import audit
from resolvers.errors import BadUserInput, Unauthenticated
from resolvers.identity import lockout
from resolvers.identity.codes import CodeRequest, consume_code, issue_code
from resolvers.identity.passwords import hash_password, needs_rehash, verify_password
from resolvers.identity.phones import normalise_phone
from resolvers.identity.profile import subscriber_by_login
from resolvers.identity.sessions import TokenPair, start_session
from resolvers.services import Services

ALIAS_SUBJECT = "alias:"  # the lock-out subject of an alias nobody has
SIGN_IN_SMS = "Код для входа в личный кабинет: {code}. Никому его не сообщайте."


async def request_sign_in_code(services: Services, raw_phone: str, ip: str) -> CodeRequest:
    phone = normalise_phone(raw_phone)
    known = await Subscriber.exists(phone=phone)
    return await issue_code(
        services,
        phone=phone,
        purpose=CodePurpose.SIGN_IN,
        message=SIGN_IN_SMS,
        deliver=known,
        ip=ip,
    )


async def sign_in_with_code(
    services: Services, raw_phone: str, code: str, *, ip: str, user_agent: str
) -> TokenPair:
    phone = normalise_phone(raw_phone)
    await lockout.begin_attempt(services, phone, ip)
    consumed = await consume_code(services, phone=phone, purpose=CodePurpose.SIGN_IN, code=code)
    subscriber = await Subscriber.get_or_none(phone=phone) if consumed else None
    if subscriber is None:
        await _failed(services, phone, ip, "code")
    assert subscriber is not None
    return await _succeeded(services, subscriber, SignInMethod.CODE, ip, user_agent)


async def sign_in_with_password(
    services: Services, raw_login: str, password: str, *, ip: str, user_agent: str
) -> TokenPair:
    """`raw_login`: the phone number, or the subscriber's login alias. An alias counts its
    failures against its subscriber's phone (one lock-out for both ways in); an alias
    nobody has, against itself."""
    phone, subscriber = await _who_signs_in(raw_login)
    await lockout.begin_attempt(services, phone, ip)
    if subscriber is None and not phone.startswith(ALIAS_SUBJECT):
        subscriber = await Subscriber.get_or_none(phone=phone)
    # verify_password does the same argon2 work when there is no subscriber or no password.
    stored_hash = subscriber.password_hash if subscriber else None
    if not await verify_password(stored_hash, password) or subscriber is None:
        await _failed(services, phone, ip, "password")
    assert subscriber is not None and subscriber.password_hash is not None
    if needs_rehash(subscriber.password_hash):
        subscriber.password_hash = await hash_password(password)
        await subscriber.save(update_fields=["password_hash"])
    return await _succeeded(services, subscriber, SignInMethod.PASSWORD, ip, user_agent)


async def _who_signs_in(raw_login: str) -> tuple[str, Subscriber | None]:
    """(the lock-out subject, the subscriber if already found by alias)."""
    try:
        return normalise_phone(raw_login), None
    except BadUserInput:
        subscriber = await subscriber_by_login(raw_login)
        if subscriber is None:
            # Refused like a wrong password (after the same work): which aliases exist is
            # not for a stranger to learn here.
            return f"{ALIAS_SUBJECT}{raw_login.strip().lower()[:32]}", None
        return subscriber.phone, subscriber


async def _failed(services: Services, phone: str, ip: str, method: str) -> NoReturn:
    if phone.startswith(ALIAS_SUBJECT):
        phone, method = "", f"{method}, unknown login alias"
    await audit.record(
        "sign_in", "failed", at=services.clock(), phone=phone or None, ip=ip, detail=method
    )
    raise Unauthenticated("Wrong phone number, code or password.")


async def _succeeded(
    services: Services, subscriber: Subscriber, method: SignInMethod, ip: str, user_agent: str
) -> TokenPair:
    await lockout.succeeded(services, subscriber.phone)
    pair = await start_session(
        services, subscriber_id=subscriber.id, method=method, user_agent=user_agent, ip=ip
    )
    await audit.record(
        "sign_in",
        "ok",
        at=services.clock(),
        phone=subscriber.phone,
        subscriber_id=subscriber.id,
        ip=ip,
        detail=str(method),
    )
    return pair
