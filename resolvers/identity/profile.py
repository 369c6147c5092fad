"""The settings page: full name, login alias, contact e-mail (its confirmation lives in
resolvers/notifications/contact_email.py).

A login alias signs in in place of the phone number (with a password): 3 to 32 Latin
letters, digits, `.`, `_`, `-`, with at least one letter, so that no alias can be read as
a phone number; unique whatever the case (Anna.K and anna.k are one alias). Latin only:
Cyrillic and Latin look-alikes (а/a, о/o) would make two aliases that read the same."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from models import Subscriber
from resolvers.errors import BadUserInput, Conflict

ALIAS_MIN, ALIAS_MAX = 3, 32
FULL_NAME_MAX = 200
_ALIAS = re.compile(r"^[A-Za-z0-9._-]+$")
_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class OwnProfile:
    contact_email: str | None
    contact_email_confirmed_at: datetime | None
    login_alias: str | None


def alias_key(raw: str) -> str:
    """The alias as the unique index keeps it; BAD_USER_INPUT for one that cannot be."""
    alias = raw.strip()
    if not ALIAS_MIN <= len(alias) <= ALIAS_MAX:
        raise BadUserInput(
            f"A login alias has {ALIAS_MIN} to {ALIAS_MAX} characters.", field="loginAlias"
        )
    if not _ALIAS.match(alias):
        raise BadUserInput(
            "A login alias may have Latin letters, digits and . _ - only.", field="loginAlias"
        )
    if not _LETTER.search(alias):
        raise BadUserInput(
            "A login alias needs at least one letter, so it cannot be read as a phone number.",
            field="loginAlias",
        )
    return alias.lower()


async def own_profile(subscriber_id: int) -> OwnProfile | None:
    row = (
        await Subscriber.filter(id=subscriber_id)
        .first()
        .values("contact_email", "contact_email_confirmed_at", "login_alias")
    )
    return OwnProfile(**row) if row else None


async def update_profile(
    subscriber_id: int, full_name: str | None, login_alias: str | None
) -> None:
    """None leaves a field as it is; an empty login alias removes it."""
    changes: dict[str, Any] = {}
    if full_name is not None:
        name = " ".join(full_name.split())
        if not name or len(name) > FULL_NAME_MAX:
            raise BadUserInput(
                f"Give a full name of 1 to {FULL_NAME_MAX} characters.", field="fullName"
            )
        changes["full_name"] = name
    if login_alias is not None:
        if login_alias.strip():
            changes["login_alias"] = login_alias.strip()
            changes["login_alias_key"] = alias_key(login_alias)
        else:
            changes["login_alias"] = changes["login_alias_key"] = None
    if not changes:
        return
    try:
        await Subscriber.filter(id=subscriber_id).update(**changes)
    except IntegrityError as exc:
        raise Conflict("This login alias is taken: choose another.", field="loginAlias") from exc


async def subscriber_by_login(raw: str) -> Subscriber | None:
    """The subscriber whose alias this is (any case); None if nobody's or not an alias."""
    try:
        key = alias_key(raw)
    except BadUserInput:
        return None
    return await Subscriber.get_or_none(login_alias_key=key)
