from __future__ import annotations

import strawberry
from strawberry import relay

from resolvers.context import RequestContext
from resolvers.identity import password_change, sessions, sign_in
from resolvers.identity.sessions import TokenPair
from schema.ids import pk_of
from schema.types.identity import (
    AuthPayload,
    RevokedSessionsPayload,
    SignInCodeRequest,
)
from schema.types.subscriber import Subscriber

Info = strawberry.Info[RequestContext, None]


async def auth_payload(info: Info, pair: TokenPair) -> AuthPayload:
    row = await info.context.loaders.subscriber_by_id.load(pair.subscriber_id)
    return AuthPayload.from_pair(pair, Subscriber.from_row(row))


@strawberry.type
class IdentityMutation:
    @strawberry.mutation(
        description="Sends a 6-digit sign-in code by SMS. The answer is the same whether or "
        "not the phone belongs to a subscriber."
    )
    async def request_sign_in_code(self, info: Info, phone: str) -> SignInCodeRequest:
        ctx = info.context
        request = await sign_in.request_sign_in_code(ctx.services, phone, ctx.client_ip)
        return SignInCodeRequest.from_request(request)

    @strawberry.mutation(description="Signs in with the SMS code.")
    async def sign_in(self, info: Info, phone: str, code: str) -> AuthPayload:
        ctx = info.context
        pair = await sign_in.sign_in_with_code(
            ctx.services, phone, code, ip=ctx.client_ip, user_agent=ctx.user_agent
        )
        return await auth_payload(info, pair)

    @strawberry.mutation(
        description="Signs in with a password. `phone` takes the phone number or the "
        "subscriber's login alias (Subscriber.loginAlias)."
    )
    async def sign_in_with_password(self, info: Info, phone: str, password: str) -> AuthPayload:
        ctx = info.context
        pair = await sign_in.sign_in_with_password(
            ctx.services, phone, password, ip=ctx.client_ip, user_agent=ctx.user_agent
        )
        return await auth_payload(info, pair)

    @strawberry.mutation(
        description="Trades a refresh token for new tokens. A refresh token works once; "
        "using one twice revokes its session."
    )
    async def refresh_session(self, info: Info, refresh_token: str) -> AuthPayload:
        ctx = info.context
        pair = await sessions.refresh_session(ctx.services, refresh_token, ctx.client_ip)
        return await auth_payload(info, pair)

    @strawberry.mutation(
        description="Sets a new password from a session opened with an SMS code (this is "
        "also how a forgotten password is reset). Revokes every other session."
    )
    async def set_password(self, info: Info, new_password: str) -> RevokedSessionsPayload:
        ctx = info.context
        revoked = await password_change.set_password(
            ctx.services, ctx.viewer, new_password, ctx.client_ip
        )
        return RevokedSessionsPayload(revoked_sessions=revoked)

    @strawberry.mutation(description="Changes the password. Revokes every other session.")
    async def change_password(
        self, info: Info, old_password: str, new_password: str
    ) -> RevokedSessionsPayload:
        ctx = info.context
        revoked = await password_change.change_password(
            ctx.services, ctx.viewer, old_password, new_password, ctx.client_ip
        )
        return RevokedSessionsPayload(revoked_sessions=revoked)

    @strawberry.mutation(description="Revokes one of the viewer's sessions.")
    async def revoke_session(self, info: Info, id: relay.GlobalID) -> RevokedSessionsPayload:
        ctx = info.context
        revoked = await sessions.revoke_own_session(
            ctx.services, ctx.viewer, pk_of(id, "Session"), ctx.client_ip
        )
        return RevokedSessionsPayload(revoked_sessions=revoked)

    @strawberry.mutation(description="Ends the current session.")
    async def sign_out(self, info: Info) -> RevokedSessionsPayload:
        ctx = info.context
        revoked = await sessions.sign_out(ctx.services, ctx.viewer, ctx.client_ip)
        return RevokedSessionsPayload(revoked_sessions=revoked)

    @strawberry.mutation(description="Ends every session of the viewer, this one included.")
    async def sign_out_everywhere(self, info: Info) -> RevokedSessionsPayload:
        ctx = info.context
        revoked = await sessions.sign_out_everywhere(ctx.services, ctx.viewer, ctx.client_ip)
        return RevokedSessionsPayload(revoked_sessions=revoked)
