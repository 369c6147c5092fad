"""Home contracts' own mutations: signing in with a contract's login, its password, and
linking someone else's contract with its holder's consent."""

from __future__ import annotations

import strawberry

from permissions.levels import MANAGE
from resolvers.access import linking
from resolvers.context import RequestContext
from resolvers.home import passwords
from resolvers.home import sign_in as contract_sign_in
from schema.directives import access_mutation
from schema.mutations.access import CodeSent, RevokedGrantsPayload, grant_view
from schema.mutations.identity import auth_payload
from schema.mutations.locate import line_named, located
from schema.types.access_level import AccessLevel
from schema.types.grant import Grant
from schema.types.identity import AuthPayload, RevokedSessionsPayload

Info = strawberry.Info[RequestContext, None]
FULL = AccessLevel.FULL


@strawberry.type
class HomeMutation:
    @strawberry.mutation(
        description="Signs in with a home contract's login and password (HomeContract.login). "
        "The session is its holder's (the contract's user, else its account's owner) but "
        "reaches this contract only, at FULL at most, and runs only the mutations that act "
        "on it. Ten failures in a row lock the login for an hour."
    )
    async def sign_in_with_contract(self, info: Info, login: str, password: str) -> AuthPayload:
        ctx = info.context
        pair = await contract_sign_in.sign_in_with_contract(
            ctx.services, login, password, ip=ctx.client_ip, user_agent=ctx.user_agent
        )
        return await auth_payload(info, pair)

    @access_mutation(
        FULL,
        line_named,
        scope=MANAGE,
        description="Sets the password for signing in with the contract (signInWithContract), "
        "held to the subscribers' password policy. Ends the contract's other sessions.",
    )
    async def set_contract_password(
        self, info: Info, contract_number: str, new_password: str
    ) -> RevokedSessionsPayload:
        ctx = info.context
        line = await located(info, None, contract_number)
        revoked = await passwords.set_contract_password(
            ctx.services, ctx.viewer, line, new_password, ctx.client_ip
        )
        return RevokedSessionsPayload(revoked_sessions=revoked)

    @strawberry.mutation(
        description="Asks the holder of someone's home contract for consent: sends an SMS code "
        "to the contract holder's phone. The answer is the same whether or not the contract "
        "exists."
    )
    async def link_home_contract(self, info: Info, contract_number: str) -> CodeSent:
        ctx = info.context
        sent = await linking.link_home_contract(
            ctx.services, ctx.viewer, contract_number, ctx.client_ip
        )
        return CodeSent(resend_after=sent.resend_after, expires_in=sent.expires_in)

    @strawberry.mutation(description="Confirms the holder's code: the viewer gets FULL access.")
    async def confirm_link_home_contract(
        self, info: Info, contract_number: str, code: str
    ) -> Grant:
        ctx = info.context
        row = await linking.confirm_link_home_contract(
            ctx.services, ctx.loaders, ctx.viewer, contract_number, code, ctx.client_ip
        )
        return grant_view(info, row)

    @strawberry.mutation(description="Drops the viewer's linked access to a home contract.")
    async def unlink_home_contract(self, info: Info, contract_number: str) -> RevokedGrantsPayload:
        ctx = info.context
        revoked = await linking.unlink_home_contract(
            ctx.services, ctx.loaders, ctx.viewer, contract_number
        )
        return RevokedGrantsPayload(revoked_grants=revoked)
