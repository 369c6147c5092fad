"""Granting and revoking access to a number (owners only)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from models import AccessGrant, AccessLevel, GrantSource, OperationKind, Subscriber
from permissions.levels import Level
from permissions.viewer import Viewer
from resolvers import audit
from resolvers.access.common import (
    future_expiry,
    grant_rows,
    line_at_level,
    owner_actor,
    positive_limit,
    record_grant,
    subscriber_of,
)
from resolvers.errors import BadUserInput, NotFound
from resolvers.home.naming import LineName, to_line
from resolvers.identity.partners import partner_app_by_client_id
from resolvers.identity.phones import normalise_phone
from resolvers.loaders import Loaders
from resolvers.notifications import NotificationTopic, notify
from resolvers.services import Services

GRANTED_TEXT = "Вам выдан доступ {level} к {line} в личном кабинете."
REVOKED_TEXT = "Ваш доступ к {line} в личном кабинете отозван."


async def grants_given(loaders: Loaders) -> list[dict[str, Any]]:
    """Grants on every number the viewer owns, whoever created them."""
    reach = await loaders.reach()
    owned = [n for n in reach.numbers if reach.level(n) is Level.OWNER]
    return await grant_rows(AccessGrant.filter(number_id__in=owned)) if owned else []


async def grants_received(viewer: Viewer) -> list[dict[str, Any]]:
    if viewer.subscriber_id is not None:
        return await grant_rows(AccessGrant.filter(grantee_subscriber_id=viewer.subscriber_id))
    if viewer.partner_app_id is not None:
        return await grant_rows(AccessGrant.filter(grantee_partner_id=viewer.partner_app_id))
    return []


async def grant_access(
    services: Services,
    loaders: Loaders,
    viewer: Viewer,
    *,
    line: LineName,
    level: AccessLevel,
    grantee_phone: str | None,
    partner_client_id: str | None,
    expires_at: datetime | None,
    top_up_monthly_limit: Decimal | None,
) -> dict[str, Any]:
    """Creates the grant; an active grant of the same grantee on the number is replaced."""
    owner_id = subscriber_of(viewer)
    number = await line_at_level(loaders, line, Level.OWNER)
    now = services.clock()
    if (grantee_phone is None) == (partner_client_id is None):
        raise BadUserInput("Give exactly one of granteePhone and partnerClientId.")
    expiry = future_expiry(expires_at, now)
    limit = positive_limit(top_up_monthly_limit)
    if limit is not None and level is not AccessLevel.TOPUP:
        raise BadUserInput("topUpMonthlyLimit applies to TOPUP grants only.")
    grantee: dict[str, int] = {}
    if grantee_phone is not None:
        subscriber = await Subscriber.get_or_none(phone=normalise_phone(grantee_phone))
        if subscriber is None:
            raise BadUserInput("No subscriber has this phone number.", field="granteePhone")
        if subscriber.id == owner_id:
            raise BadUserInput("You already own this number.", field="granteePhone")
        grantee["grantee_subscriber_id"] = subscriber.id
    else:
        app = await partner_app_by_client_id(partner_client_id, active_only=True)
        if app is None:
            raise BadUserInput("No active partner app has this client id.", field="partnerClientId")
        grantee["grantee_partner_id"] = app.id
    async with in_transaction():
        await AccessGrant.filter(number_id=number.id, revoked_at=None, **grantee).update(
            revoked_at=now
        )
        grant = await AccessGrant.create(
            number_id=number.id,
            granted_by_id=owner_id,
            level=level,
            expires_at=expiry,
            topup_monthly_limit=limit,
            source=GrantSource.DIRECT,
            **grantee,
        )
        await record_grant(OperationKind.GRANT, grant, owner_actor(owner_id), now)
        if grant.grantee_subscriber_id is not None:
            await notify(
                grant.grantee_subscriber_id,
                NotificationTopic.ACCESS,
                "Вам выдан доступ",
                GRANTED_TEXT.format(
                    level=level.value, line=to_line(number.msisdn, number.contract_number)
                ),
                number_id=number.id,
            )
    await audit.record(
        "grant_created",
        "ok",
        at=now,
        subscriber_id=owner_id,
        detail=f"grant {grant.id} {level} on {number.name}",
    )
    loaders.forget_reach()
    return (await grant_rows(AccessGrant.filter(id=grant.id)))[0]


async def number_of_grant(grant_id: int) -> int | None:
    return await AccessGrant.filter(id=grant_id).first().values_list("number_id", flat=True)


async def revoke_access(
    services: Services, loaders: Loaders, viewer: Viewer, grant_id: int
) -> dict[str, Any]:
    """Revokes at once; the grantee's next request, on any process, no longer has it.
    Only an owner gets here (the mutation's @access)."""
    now = services.clock()
    async with in_transaction():
        revoked = await AccessGrant.filter(id=grant_id, revoked_at=None).update(revoked_at=now)
        if revoked:
            grant = await AccessGrant.get(id=grant_id)
            actor = owner_actor(subscriber_of(viewer))
            await record_grant(OperationKind.GRANT_REVOKE, grant, actor, now)
        rows = await grant_rows(AccessGrant.filter(id=grant_id))
        if not rows:
            raise NotFound("No such grant.")
        if revoked and rows[0]["grantee_subscriber_id"] is not None:
            await notify(
                rows[0]["grantee_subscriber_id"],
                NotificationTopic.ACCESS,
                "Доступ отозван",
                REVOKED_TEXT.format(line=to_line(rows[0]["msisdn"], rows[0]["contract_number"])),
                number_id=rows[0]["number_id"],
            )
    if revoked:
        await audit.record(
            "grant_revoked",
            "ok",
            at=now,
            subscriber_id=viewer.subscriber_id,
            detail=f"grant {grant_id} on {rows[0]['msisdn'] or rows[0]['contract_number']}",
        )
    loaders.forget_reach()
    return rows[0]
