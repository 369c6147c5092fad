"""A household for the settings-page tests: Анна owns the account, Петя uses a number in
it, Бабушка holds FULL on it, Дядя TOPUP, and a partner app holds FULL with every scope."""

from __future__ import annotations

from dataclasses import dataclass

from models import AccessLevel, Number, PartnerApp, Subscriber
from resolvers.identity.partners import SCOPES
from tests.support import family
from tests.support.viewers import Viewers


@dataclass
class Household:
    anna: Subscriber
    petya: Subscriber
    granny: Subscriber
    uncle: Subscriber
    stranger: Subscriber
    app: PartnerApp
    number: Number  # Петя's
    annas: Number  # Анна's own


async def household() -> Household:
    anna = await family.subscriber("Анна")
    petya = await family.subscriber("Петя")
    account = await family.account(anna)
    number = await family.number(account, user=petya, balance=10000)
    annas = await family.number(account, user=anna, balance=10000)
    granny = await family.subscriber("Бабушка")
    uncle = await family.subscriber("Дядя")
    app = await family.partner_app(list(SCOPES))
    await family.grant(number, granny, AccessLevel.FULL, by=anna)
    await family.grant(number, uncle, AccessLevel.TOPUP, by=anna)
    await family.grant(number, app, AccessLevel.FULL, by=anna)
    stranger = await family.subscriber("Чужой")
    return Household(anna, petya, granny, uncle, stranger, app, number, annas)


async def partner_token(viewers: Viewers, world: Household) -> str:
    return await viewers.partner_token(world.app)
