"""One number on the demo catalogue, and every kind of viewer an operation on it concerns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from models import AccessLevel, Number, NumberService, Service, Subscriber, Tariff
from resolvers.demo.seed import create_demo_catalogue
from tests.support import family
from tests.support.viewers import Viewers

# The period of a number activated on the 1st runs Nov 1 to Dec 1 (30 days): at this
# moment half of it is left.
ACTIVATED_AT = datetime(2026, 1, 1, 9, tzinfo=UTC)
NOW = datetime(2026, 11, 16, tzinfo=UTC)
PERIOD_END = datetime(2026, 12, 1, tzinfo=UTC)
VIEWER_KINDS = (
    "owner",
    "user",
    "full_delegate",
    "topup_delegate",
    "partner_with_manage",
    "partner_without_manage",
    "stranger",
    "anonymous",
)


@dataclass
class World:
    number: Number
    tariffs: dict[str, Tariff]
    services: dict[str, Service]
    tokens: dict[str, str | None]


async def build_world(viewers: Viewers, balance: int = 100_000, tariff: str = "start") -> World:
    tariffs, services = await create_demo_catalogue()
    owner = await family.subscriber("Owner")
    top = await family.account(owner)
    child_account = await family.account(owner, parent=top)
    user = await family.subscriber("User")
    number = await family.number(child_account, user=user, balance=balance)
    number.tariff_id = tariffs[tariff].id
    number.activated_at = ACTIVATED_AT
    await number.save(update_fields=["tariff_id", "activated_at"])
    tokens = await viewer_tokens(viewers, number, owner, user)
    return World(number, tariffs, services, tokens)


async def viewer_tokens(
    viewers: Viewers, line: Number, owner: Subscriber, user: Subscriber
) -> dict[str, str | None]:
    """A token for each of VIEWER_KINDS on the line (a phone number or a home contract):
    grants made for the delegates and the partner app, the owner's and user's own."""
    full_delegate = await family.subscriber("Delegate")
    await family.grant(line, full_delegate, AccessLevel.FULL, by=owner)
    topup_delegate = await family.subscriber("Relative")
    await family.grant(line, topup_delegate, AccessLevel.TOPUP, by=owner)
    app = await family.partner_app(["numbers:read", "balance:read", "manage"])
    await family.grant(line, app, AccessLevel.FULL, by=owner)
    stranger = await family.subscriber("Stranger")
    return {
        "owner": await viewers.token_for(owner),
        "user": await viewers.token_for(user),
        "full_delegate": await viewers.token_for(full_delegate),
        "topup_delegate": await viewers.token_for(topup_delegate),
        "partner_with_manage": await viewers.partner_token(
            app, ["numbers:read", "balance:read", "manage"]
        ),
        "partner_without_manage": await viewers.partner_token(app, ["numbers:read"]),
        "stranger": await viewers.token_for(stranger),
        "anonymous": None,
    }


async def connect(world: World, *codes: str) -> None:
    for code in codes:
        await NumberService.create(
            number=world.number, service=world.services[code], connected_at=ACTIVATED_AT
        )
