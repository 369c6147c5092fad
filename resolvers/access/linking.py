"""Linking a relative's number: an SMS code to that number proves its holder consents;
confirming it gives the asker a FULL grant."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from models import (
    AccessGrant,
    AccessLevel,
    Account,
    ActorRole,
    CodePurpose,
    GrantSource,
    Number,
    NumberStatus,
    OperationKind,
    Subscriber,
)
from permissions.viewer import Viewer
from resolvers import audit
from resolvers.access.common import grant_rows, record_grant, subscriber_of
from resolvers.errors import BadUserInput, NotFound
from resolvers.identity import lockout
from resolvers.identity.codes import CodeRequest, consume_code, issue_code
from resolvers.identity.phones import normalise_phone
from resolvers.loaders import Loaders
from resolvers.operations.records import Actor
from resolvers.services import Services

LINK_SMS = (
    "Код {code}: абонент {asker} просит полный доступ к этому номеру в личном кабинете. "
    "Сообщите код, только если согласны."
)


async def link_number(services: Services, viewer: Viewer, raw_msisdn: str, ip: str) -> CodeRequest:
    """Sends the code if the number exists and is open; answers the same either way."""
    asker_id = subscriber_of(viewer)
    msisdn = normalise_phone(raw_msisdn)
    number = await Number.get_or_none(msisdn=msisdn)
    deliverable = number is not None and number.status is not NumberStatus.CLOSED
    asker = await Subscriber.get(id=asker_id)
    return await issue_code(
        services,
        phone=msisdn,
        purpose=CodePurpose.LINK_NUMBER,
        message=LINK_SMS.replace("{asker}", asker.phone),
        deliver=deliverable,
        ip=ip,
        requested_by=asker_id,
    )


async def confirm_link_number(
    services: Services, loaders: Loaders, viewer: Viewer, raw_msisdn: str, code: str, ip: str = ""
) -> dict[str, Any]:
    asker_id = subscriber_of(viewer)
    msisdn = normalise_phone(raw_msisdn)
    # Counted before the code is checked: many codes x 5 tries must not add up to a guess.
    subject = f"link:{asker_id}:{msisdn}"
    await lockout.begin_attempt(services, subject, ip)
    consumed = await consume_code(
        services, phone=msisdn, purpose=CodePurpose.LINK_NUMBER, code=code
    )
    number = await Number.get_or_none(msisdn=msisdn) if consumed else None
    if consumed is None or consumed.requested_by_id != asker_id or number is None:
        raise BadUserInput("Wrong or expired code.", field="code")
    account = await Account.get(id=number.account_id)
    now = services.clock()
    async with in_transaction():
        await AccessGrant.filter(
            number_id=number.id,
            grantee_subscriber_id=asker_id,
            source=GrantSource.LINK,
            revoked_at=None,
        ).update(revoked_at=now)
        grant = await AccessGrant.create(
            number_id=number.id,
            # The holder consented; the grant sits on the owner's number on their behalf.
            granted_by_id=number.user_id or account.owner_id,
            grantee_subscriber_id=asker_id,
            level=AccessLevel.FULL,
            source=GrantSource.LINK,
        )
        # The asker acts, through the grant the holder's code gave them.
        actor = Actor(ActorRole.DELEGATE, subscriber_id=asker_id, grant_id=grant.id)
        await record_grant(OperationKind.GRANT, grant, actor, now)
    await audit.record(
        "number_linked",
        "ok",
        at=now,
        subscriber_id=asker_id,
        phone=msisdn,
        detail=f"grant {grant.id}",
    )
    loaders.forget_reach()
    return (await grant_rows(AccessGrant.filter(id=grant.id)))[0]


async def unlink_number(
    services: Services, loaders: Loaders, viewer: Viewer, raw_msisdn: str
) -> int:
    asker_id = subscriber_of(viewer)
    msisdn = normalise_phone(raw_msisdn)
    number_id = await Number.filter(msisdn=msisdn).first().values_list("id", flat=True)
    revoked = 0
    now = services.clock()
    if number_id is not None:
        async with in_transaction():
            linked = await AccessGrant.filter(
                number_id=number_id,
                grantee_subscriber_id=asker_id,
                source=GrantSource.LINK,
                revoked_at=None,
            )
            revoked = await AccessGrant.filter(
                id__in=[grant.id for grant in linked], revoked_at=None
            ).update(revoked_at=now)
            for grant in linked if revoked else []:
                actor = Actor(ActorRole.DELEGATE, subscriber_id=asker_id, grant_id=grant.id)
                await record_grant(OperationKind.GRANT_REVOKE, grant, actor, now)
    if not revoked:
        raise NotFound("No linked number with this msisdn.")
    loaders.forget_reach()
    return revoked
