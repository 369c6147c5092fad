"""Signing in by SMS code or by password."""

from __future__ import annotations

from typing import NoReturn

from models import CodePurpose, SignInMethod, Subscriber
from resolvers import audit
from resolvers.errors import Unauthenticated
from resolvers.identity import lockout
from resolvers.identity.codes import CodeRequest, consume_code, issue_code
from resolvers.identity.passwords import hash_password, needs_rehash, verify_password
from resolvers.identity.phones import normalise_phone
from resolvers.identity.sessions import TokenPair, start_session
from resolvers.services import Services

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
    services: Services, raw_phone: str, password: str, *, ip: str, user_agent: str
) -> TokenPair:
    phone = normalise_phone(raw_phone)
    await lockout.begin_attempt(services, phone, ip)
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


async def _failed(services: Services, phone: str, ip: str, method: str) -> NoReturn:
    await audit.record("sign_in", "failed", at=services.clock(), phone=phone, ip=ip, detail=method)
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
