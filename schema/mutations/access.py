from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import strawberry
from strawberry import relay

from models import AccessLevel as StoredLevel
from resolvers.access import grants, linking
from resolvers.access import requests as access_requests
from resolvers.context import RequestContext
from resolvers.identity.phones import normalise_phone
from schema.directives import access_mutation
from schema.ids import pk_of
from schema.mutations.locate import contract_number_field, line_named, msisdn_field, name_in
from schema.types.access_level import AccessLevel, GrantLevel
from schema.types.access_request import AccessRequest
from schema.types.grant import Grant

Info = strawberry.Info[RequestContext, None]
OWNER = AccessLevel.OWNER


async def _number_of_grant(info: Info, kwargs: dict[str, Any]) -> int | None:
    return await grants.number_of_grant(pk_of(kwargs["grant_id"], "Grant"))


async def _number_of_request(info: Info, kwargs: dict[str, Any]) -> int | None:
    return await access_requests.number_of_request(pk_of(kwargs["id"], "AccessRequest"))


@strawberry.input
class GrantAccessInput:
    msisdn: str | None = msisdn_field()
    contract_number: str | None = contract_number_field()
    level: GrantLevel
    grantee_phone: str | None = strawberry.field(default=None, description="A subscriber.")
    partner_client_id: str | None = strawberry.field(default=None, description="A partner app.")
    expires_at: datetime | None = strawberry.field(default=None, description="Null: no expiry.")
    top_up_monthly_limit: Decimal | None = strawberry.field(
        default=None, description="TOPUP grants: the most they may top up per calendar month."
    )


@strawberry.type(description="A code was sent if the number exists.")
class CodeSent:
    resend_after: int
    expires_in: int


@strawberry.type
class RevokedGrantsPayload:
    revoked_grants: int


@strawberry.type
class AccessRequestPolicy:
    msisdn: str | None
    accepts_access_requests: bool


def grant_view(info: Info, row: dict[str, Any]) -> Grant:
    return Grant.from_row(row, info.context.services.clock())


def _request(info: Info, row: dict[str, Any]) -> AccessRequest:
    return AccessRequest.from_row(row, info.context.services.clock())


@strawberry.type
class AccessMutation:
    @access_mutation(
        OWNER,
        line_named,
        description="Gives a subscriber or a partner app "
        "access to a number; replaces their active grant on it.",
    )
    async def grant_access(self, info: Info, input: GrantAccessInput) -> Grant:
        ctx = info.context
        row = await grants.grant_access(
            ctx.services,
            ctx.loaders,
            ctx.viewer,
            line=name_in({"input": input}),
            level=StoredLevel(input.level.value),
            grantee_phone=input.grantee_phone,
            partner_client_id=input.partner_client_id,
            expires_at=input.expires_at,
            top_up_monthly_limit=input.top_up_monthly_limit,
        )
        return grant_view(info, row)

    @access_mutation(OWNER, _number_of_grant, description="Revokes a grant at once.")
    async def revoke_access(self, info: Info, grant_id: relay.GlobalID) -> Grant:
        ctx = info.context
        row = await grants.revoke_access(
            ctx.services, ctx.loaders, ctx.viewer, pk_of(grant_id, "Grant")
        )
        return grant_view(info, row)

    @strawberry.mutation(
        description="Asks the holder of a relative's number for consent: sends an SMS code to "
        "that number. The answer is the same whether or not the number exists."
    )
    async def link_number(self, info: Info, msisdn: str) -> CodeSent:
        ctx = info.context
        sent = await linking.link_number(ctx.services, ctx.viewer, msisdn, ctx.client_ip)
        return CodeSent(resend_after=sent.resend_after, expires_in=sent.expires_in)

    @strawberry.mutation(description="Confirms the holder's code: the viewer gets FULL access.")
    async def confirm_link_number(self, info: Info, msisdn: str, code: str) -> Grant:
        ctx = info.context
        row = await linking.confirm_link_number(
            ctx.services, ctx.loaders, ctx.viewer, msisdn, code, ctx.client_ip
        )
        return grant_view(info, row)

    @strawberry.mutation(description="Drops the viewer's linked access to a number.")
    async def unlink_number(self, info: Info, msisdn: str) -> RevokedGrantsPayload:
        ctx = info.context
        revoked = await linking.unlink_number(ctx.services, ctx.loaders, ctx.viewer, msisdn)
        return RevokedGrantsPayload(revoked_grants=revoked)

    @strawberry.mutation(
        description="Asks a number's owner for access. The answer is the same whether the "
        "number exists, forbids requests or has blocked the asker."
    )
    async def request_access(
        self, info: Info, msisdn: str, level: GrantLevel, message: str = ""
    ) -> AccessRequest:
        ctx = info.context
        row = await access_requests.request_access(
            ctx.services, ctx.viewer, msisdn, StoredLevel(level.value), message, ctx.client_ip
        )
        return _request(info, row)

    @access_mutation(
        OWNER,
        _number_of_request,
        hidden_as=access_requests.NO_SUCH_REQUEST,
        description="Approves a request, at the asked level or a lower one, creating the grant.",
    )
    async def approve_access_request(
        self,
        info: Info,
        id: relay.GlobalID,
        level: GrantLevel | None = None,
        expires_at: datetime | None = None,
    ) -> AccessRequest:
        ctx = info.context
        row = await access_requests.approve(
            ctx.services,
            ctx.loaders,
            ctx.viewer,
            pk_of(id, "AccessRequest"),
            StoredLevel(level.value) if level else None,
            expires_at,
        )
        return _request(info, row)

    @access_mutation(
        OWNER,
        _number_of_request,
        hidden_as=access_requests.NO_SUCH_REQUEST,
        description="Denies a request; with "
        "blockRequester, the asker can no longer reach the viewer.",
    )
    async def deny_access_request(
        self, info: Info, id: relay.GlobalID, block_requester: bool = False
    ) -> AccessRequest:
        ctx = info.context
        row = await access_requests.deny(
            ctx.services, ctx.viewer, pk_of(id, "AccessRequest"), block=block_requester
        )
        return _request(info, row)

    @strawberry.mutation(description="The asker takes back a pending request.")
    async def withdraw_access_request(self, info: Info, id: relay.GlobalID) -> AccessRequest:
        ctx = info.context
        row = await access_requests.withdraw(ctx.services, ctx.viewer, pk_of(id, "AccessRequest"))
        return _request(info, row)

    @strawberry.mutation(
        description="Allows or forbids access requests: to one number (OWNER on it), or, "
        "without msisdn, to every number the viewer owns."
    )
    async def set_access_request_policy(
        self, info: Info, accept: bool, msisdn: str | None = None
    ) -> AccessRequestPolicy:
        ctx = info.context
        await access_requests.set_policy(
            ctx.loaders, ctx.viewer, msisdn, accept, ctx.services.clock()
        )
        return AccessRequestPolicy(
            msisdn=normalise_phone(msisdn) if msisdn else None, accepts_access_requests=accept
        )
