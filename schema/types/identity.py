from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay

from models import Session as SessionRow
from resolvers.identity.codes import CodeRequest
from resolvers.identity.sessions import TokenPair
from schema.types.subscriber import Subscriber


@strawberry.type(description="A sign-in code was sent if the phone belongs to a subscriber.")
class SignInCodeRequest:
    resend_after: int = strawberry.field(description="Seconds until another code may be asked for.")
    expires_in: int = strawberry.field(description="Seconds the code stays valid.")

    @classmethod
    def from_request(cls, request: CodeRequest) -> SignInCodeRequest:
        return cls(resend_after=request.resend_after, expires_in=request.expires_in)


@strawberry.type(description="A new session's tokens. The tokens are shown only here, once.")
class AuthPayload:
    access_token: str = strawberry.field(description="Send as `Authorization: Bearer ...`.")
    refresh_token: str = strawberry.field(description="Single use: refreshSession rotates it.")
    expires_at: datetime = strawberry.field(description="When the access token expires.")
    subscriber: Subscriber

    @classmethod
    def from_pair(cls, pair: TokenPair, subscriber: Subscriber) -> AuthPayload:
        return cls(
            access_token=pair.access_token,
            refresh_token=pair.refresh_token,
            expires_at=pair.expires_at,
            subscriber=subscriber,
        )


@strawberry.enum
class SignInMethod(Enum):
    CODE = "CODE"
    PASSWORD = "PASSWORD"  # noqa: S105 (a sign-in method, not a secret)
    CONTRACT = "CONTRACT"


@strawberry.type(description="A signed-in device.")
class Session(relay.Node):
    pk: relay.NodeID[int]
    method: SignInMethod
    created_at: datetime
    last_used_at: datetime
    user_agent: str
    ip: str
    current: bool = strawberry.field(description="Whether this request came through it.")
    contract_number: str | None = strawberry.field(
        description="Signed in with a home contract's login (method CONTRACT): the contract "
        "it reaches, and nothing else. Null for other sessions."
    )

    @classmethod
    def from_row(
        cls, row: SessionRow, current_session_id: int | None, contracts: dict[int, str]
    ) -> Session:
        """`contracts`: line id -> contract number of the contract sessions among them."""
        line_id = row.line_id  # type: ignore[attr-defined]
        return cls(
            pk=row.id,
            method=SignInMethod(row.method.value),
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            user_agent=row.user_agent,
            ip=row.ip,
            current=row.id == current_session_id,
            contract_number=contracts.get(line_id) if line_id is not None else None,
        )


@strawberry.type
class RevokedSessionsPayload:
    revoked_sessions: int = strawberry.field(description="How many live sessions were revoked.")
