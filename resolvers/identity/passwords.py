"""argon2id password hashing, always off the event loop (a verification takes ~100 ms)."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import RFC_9106_LOW_MEMORY

# RFC 9106's second recommended option (argon2id, t=3, m=64 MiB, p=4), above OWASP's minimum.
_hasher = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)


def use_hasher(hasher: PasswordHasher) -> None:
    """Swap the parameters (tests use a cheap argon2id profile to stay fast)."""
    global _hasher
    _hasher = hasher


def hash_password_sync(password: str) -> str:
    return _hasher.hash(password)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(encoded_hash: str | None, password: str) -> bool:
    """False for a wrong password or a missing hash; in both cases the same work is done, so
    the time taken does not tell whether the account has a password."""
    target = encoded_hash or _dummy_hash()
    try:
        ok = await asyncio.to_thread(_hasher.verify, target, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and encoded_hash is not None


def needs_rehash(encoded_hash: str) -> bool:
    return _hasher.check_needs_rehash(encoded_hash)


_dummy_hashes: dict[int, str] = {}


def _dummy_hash() -> str:
    """A hash made with the current parameters, verified when the account has none."""
    key = id(_hasher)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = _hasher.hash("no password set")
    return _dummy_hashes[key]
