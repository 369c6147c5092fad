"""One line (a phone number, or a home contract) and every kind of viewer around it, for
the access matrix."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from models import AccessLevel, Number
from permissions.levels import Level
from tests.support import family
from tests.support.viewers import Viewers

# Which level each kind of viewer has on the number (after scope capping).
EXPECTED_LEVEL: dict[str, Level] = {
    "owner": Level.OWNER,
    "owner_of_parent_account": Level.OWNER,
    "user": Level.FULL,
    "full_delegate": Level.FULL,
    "topup_delegate": Level.TOPUP,
    "expired_delegate": Level.NONE,
    "revoked_delegate": Level.NONE,
    "stranger": Level.NONE,
    "anonymous": Level.NONE,
    "partner_without_scopes": Level.NONE,
    "partner_numbers_read": Level.FULL,
    "partner_numbers_and_balance_read": Level.FULL,
    "partner_balance_read_only": Level.NONE,
    "partner_all_scopes": Level.FULL,
    "partner_topup_grant_numbers_read": Level.TOPUP,
    "payment_agent": Level.NONE,
}

PARTNER_SCOPES = {
    "partner_without_scopes": [],
    "partner_numbers_read": ["numbers:read"],
    "partner_numbers_and_balance_read": ["numbers:read", "balance:read"],
    "partner_balance_read_only": ["balance:read"],
    "partner_all_scopes": ["numbers:read", "balance:read", "usage:read", "topup", "manage"],
    "partner_topup_grant_numbers_read": ["numbers:read", "topup"],
}


@dataclass
class World:
    number: Number
    tokens: dict[str, str | None] = field(default_factory=dict)
    scopes: dict[str, list[str]] = field(default_factory=dict)


async def build_world(viewers: Viewers, home: bool = False) -> World:
    now = datetime.now(UTC)
    grandparent = await family.subscriber("Owner of parent account")
    owner = await family.subscriber("Owner")
    parent_account = await family.account(grandparent)
    account = await family.account(owner, parent=parent_account)
    user = await family.subscriber("User")
    make = family.home_contract if home else family.number
    number = await make(account, user=user, label="Ребёнок")
    people = {
        "owner": owner,
        "owner_of_parent_account": grandparent,
        "user": user,
    }
    for kind, level, extra in [
        ("full_delegate", AccessLevel.FULL, {}),
        ("topup_delegate", AccessLevel.TOPUP, {}),
        ("expired_delegate", AccessLevel.FULL, {"expires_at": now - timedelta(minutes=1)}),
        ("revoked_delegate", AccessLevel.FULL, {"revoked_at": now - timedelta(minutes=1)}),
    ]:
        people[kind] = await family.subscriber(kind)
        await family.grant(number, people[kind], level, by=owner, **extra)
    people["stranger"] = await family.subscriber("Stranger")
    # The stranger owns a tree of their own: owning something must not leak anything else.
    await family.number(await family.account(people["stranger"]))

    world = World(number=number)
    for kind, person in people.items():
        world.tokens[kind] = await viewers.token_for(person)
    world.tokens["anonymous"] = None
    for kind, scopes in PARTNER_SCOPES.items():
        app = await family.partner_app(scopes, name=kind)
        level = AccessLevel.TOPUP if "topup_grant" in kind else AccessLevel.FULL
        await family.grant(number, app, level, by=owner)
        world.tokens[kind] = await viewers.partner_token(app, scopes)
        world.scopes[kind] = scopes
    agent = await family.partner_app(["topup:any"], name="agent")
    world.tokens["payment_agent"] = await viewers.partner_token(agent, ["topup:any"])
    world.scopes["payment_agent"] = ["topup:any"]
    return world
