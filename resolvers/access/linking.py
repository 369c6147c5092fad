"""Linking a relative's line: an SMS code proves its holder consents (for a number, sent to
that number; for a home contract, to the phone of the contract's holder); confirming it
gives the asker a FULL grant."""

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
    HomeContract,
    Number,
    NumberStatus,
    OperationKind,
    Subscriber,
)
from permissions.viewer import Viewer
from resolvers import audit
from resolvers.access.common import grant_rows, record_grant, subscriber_of
from resolvers.errors import BadUserInput, NotFound
from resolvers.home.holders import holder_of
from resolvers.home.naming import normalise_contract_number
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
LINK_CONTRACT_SMS = (
    "Код {code}: абонент {asker} просит полный доступ к договору {contract} (домашний "
    "интернет и ТВ) в личном кабинете. Сообщите код, только если согласны."
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
    return await _grant_linked(services, loaders, asker_id, number, msisdn, "")


async def link_home_contract(
    services: Services, viewer: Viewer, raw_contract_number: str, ip: str
) -> CodeRequest:
    """Sends the code to the contract holder's phone if the contract exists and is open;
    answers the same either way. The code is bound to the contract (not to the phone), so
    it confirms this contract only."""
    asker_id = subscriber_of(viewer)
    contract_number = normalise_contract_number(raw_contract_number)
    line = await Number.get_or_none(home_contract__contract_number=contract_number)
    holder = await Subscriber.get(id=await holder_of(line)) if line is not None else None
    asker = await Subscriber.get(id=asker_id)
    message = LINK_CONTRACT_SMS.replace("{asker}", asker.phone)
    return await issue_code(
        services,
        phone=contract_number,
        send_to=holder.phone if holder is not None else None,
        purpose=CodePurpose.LINK_CONTRACT,
        message=message.replace("{contract}", contract_number),
        deliver=holder is not None and line is not None and line.status != NumberStatus.CLOSED,
        ip=ip,
        requested_by=asker_id,
    )


async def confirm_link_home_contract(
    services: Services,
    loaders: Loaders,
    viewer: Viewer,
    raw_contract_number: str,
    code: str,
    ip: str = "",
) -> dict[str, Any]:
    asker_id = subscriber_of(viewer)
    contract_number = normalise_contract_number(raw_contract_number)
    subject = f"link-contract:{asker_id}:{contract_number}"
    await lockout.begin_attempt(services, subject, ip)
    consumed = await consume_code(
        services, phone=contract_number, purpose=CodePurpose.LINK_CONTRACT, code=code
    )
    line = (
        await Number.get_or_none(home_contract__contract_number=contract_number)
        if consumed
        else None
    )
    if consumed is None or consumed.requested_by_id != asker_id or line is None:
        raise BadUserInput("Wrong or expired code.", field="code")
    return await _grant_linked(
        services, loaders, asker_id, line, None, f" on contract {contract_number}"
    )


async def _grant_linked(
    services: Services,
    loaders: Loaders,
    asker_id: int,
    number: Number,
    phone: str | None,
    named: str,
) -> dict[str, Any]:
    """The FULL grant the holder's code gave the asker (replacing an earlier linked one)."""
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
        phone=phone,
        detail=f"grant {grant.id}{named}",
    )
    loaders.forget_reach()
    return (await grant_rows(AccessGrant.filter(id=grant.id)))[0]


async def unlink_number(
    services: Services, loaders: Loaders, viewer: Viewer, raw_msisdn: str
) -> int:
    msisdn = normalise_phone(raw_msisdn)
    number_id = await Number.filter(msisdn=msisdn).first().values_list("id", flat=True)
    revoked = await _unlink(services, subscriber_of(viewer), number_id)
    if not revoked:
        raise NotFound("No linked number with this msisdn.")
    loaders.forget_reach()
    return revoked


async def unlink_home_contract(
    services: Services, loaders: Loaders, viewer: Viewer, raw_contract_number: str
) -> int:
    contract_number = normalise_contract_number(raw_contract_number)
    line_id = (
        await HomeContract.filter(contract_number=contract_number)
        .first()
        .values_list("line_id", flat=True)
    )
    revoked = await _unlink(services, subscriber_of(viewer), line_id)
    if not revoked:
        raise NotFound("No linked contract with this number.")
    loaders.forget_reach()
    return revoked


async def _unlink(services: Services, asker_id: int, number_id: Any) -> int:
    """Revokes the asker's linked grants on the line; returns how many were live."""
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
    return revoked
