"""`node(id:)` for people and apps: a Subscriber or PartnerApp is visible exactly where a
path of the viewer's shows it, and nowhere else (NOT_FOUND, like an id that does not
exist). The paths: viewer.subscriber (oneself), Account.owner (accounts in the reach),
Number.user (FULL with numbers:read), Grant.grantee and AccessRequest.requester (on the
numbers the viewer owns)."""

from __future__ import annotations

from typing import Any

import strawberry

from models import AccessGrant, AccessRequest
from permissions.levels import SEE_NUMBERS, Level, allows
from resolvers.context import RequestContext
from schema.types import grant, subscriber

Info = strawberry.Info[RequestContext, None]


async def _owned_numbers(info: Info) -> list[int]:
    reach = await info.context.loaders.reach()
    return [n for n in reach.numbers if reach.level(n) is Level.OWNER]


async def _shown_to(info: Info, pk: int) -> bool:
    viewer = info.context.viewer
    if pk == viewer.subscriber_id:
        return True
    reach = await info.context.loaders.reach()
    if any(account.owner_id == pk for account in reach.accounts.values()):
        return True
    for row in reach.numbers.values():
        if row.user_id == pk and allows(viewer, reach.level(row.id), Level.FULL, SEE_NUMBERS):
            return True
    owned = await _owned_numbers(info)
    if not owned:
        return False
    return await AccessGrant.exists(
        grantee_subscriber_id=pk, number_id__in=owned
    ) or await AccessRequest.exists(requester_id=pk, number_id__in=owned)


async def subscriber_node(info: Info, pk: int) -> Any:
    if not await _shown_to(info, pk):
        return None
    row = await info.context.loaders.subscriber_by_id.load(pk)
    return subscriber.Subscriber.from_row(row) if row else None


async def partner_app_node(info: Info, pk: int) -> Any:
    viewer = info.context.viewer
    if pk != viewer.partner_app_id:
        owned = await _owned_numbers(info)
        if not owned or not await AccessGrant.exists(grantee_partner_id=pk, number_id__in=owned):
            return None
    row = await info.context.loaders.partner_app_by_id.load(pk)
    return grant.PartnerApp.from_row(row) if row else None
