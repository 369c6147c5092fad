"""Signing in with a home contract's login and password.

The session belongs to the contract's holder (its user, else its account's owner), so it
is listed, refreshed and revoked with their others; but it reaches that one contract and
nothing else (`Viewer.line_id`, applied by the reach): the contract's password, often
shared at home, must not open the holder's phones, family or other contracts.

A separate mutation rather than another kind of `phone` in signInWithPassword: a contract
login is a namespace of its own (it may equal someone's login alias), and what the session
may reach differs, which a client should ask for knowingly.
"""

from __future__ import annotations

from typing import NoReturn

from models import HomeContract, SignInMethod
from resolvers import audit
from resolvers.errors import BadUserInput, Unauthenticated
from resolvers.home.holders import holder_of
from resolvers.identity import lockout
from resolvers.identity.passwords import hash_password, needs_rehash, verify_password
from resolvers.identity.sessions import TokenPair, start_session
from resolvers.services import Services

MAX_LOGIN = 64
LOGIN_SUBJECT = "contract:"  # lock-out subjects: one per login, apart from phones


def login_key(raw_login: str) -> str:
    key = raw_login.strip().lower()
    if not key or len(key) > MAX_LOGIN:
        raise BadUserInput(
            f"Give the contract's login: 1 to {MAX_LOGIN} characters.", field="login"
        )
    return key


async def sign_in_with_contract(
    services: Services, raw_login: str, password: str, *, ip: str, user_agent: str
) -> TokenPair:
    key = login_key(raw_login)
    subject = f"{LOGIN_SUBJECT}{key}"
    await lockout.begin_attempt(services, subject, ip)
    contract = await HomeContract.get_or_none(login_key=key).select_related("line")
    stored_hash = contract.password_hash if contract else None
    # The same argon2 work whether or not the login exists or has a password.
    if not await verify_password(stored_hash, password) or contract is None:
        await _failed(services, ip)
    assert contract is not None and contract.password_hash is not None
    line = contract.line
    if line.status == "CLOSED":
        await _failed(services, ip)
    if needs_rehash(contract.password_hash):
        contract.password_hash = await hash_password(password)
        await contract.save(update_fields=["password_hash"])
    await lockout.succeeded(services, subject)
    holder = await holder_of(line)
    pair = await start_session(
        services,
        subscriber_id=holder,
        method=SignInMethod.CONTRACT,
        user_agent=user_agent,
        ip=ip,
        line_id=line.id,
    )
    await audit.record(
        "sign_in",
        "ok",
        at=services.clock(),
        subscriber_id=holder,
        ip=ip,
        detail=f"{SignInMethod.CONTRACT} {contract.contract_number}",
    )
    return pair


async def _failed(services: Services, ip: str) -> NoReturn:
    # The login is not recorded: a mistyped password in the login field must not be kept.
    await audit.record("sign_in", "failed", at=services.clock(), ip=ip, detail="contract")
    raise Unauthenticated("Wrong login or password.")
