"""Real bearer tokens for test viewers, minted the way sign-in and /oauth/token mint them
(without the SMS round trip), so tests exercise the same authentication path as clients."""

from __future__ import annotations

from datetime import timedelta

from models import AccessToken, PartnerApp, SignInMethod, Subscriber
from resolvers.identity.partners import SCOPES
from resolvers.identity.sessions import TokenPair, start_session
from resolvers.identity.tokens import PARTNER_PREFIX, keyed_hash, new_token
from resolvers.services import Services


class Viewers:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def session_for(
        self, subscriber: Subscriber, method: SignInMethod = SignInMethod.CODE
    ) -> TokenPair:
        return await start_session(
            self.services, subscriber_id=subscriber.id, method=method, user_agent="pytest", ip=""
        )

    async def token_for(
        self, subscriber: Subscriber, method: SignInMethod = SignInMethod.CODE
    ) -> str:
        return (await self.session_for(subscriber, method)).access_token

    async def partner_token(self, app: PartnerApp, scopes: list[str] | None = None) -> str:
        token = new_token(PARTNER_PREFIX)
        now = self.services.clock()
        await AccessToken.create(
            token_hash=keyed_hash(self.services.secret_key, token),
            partner_app_id=app.id,
            scopes=list(SCOPES) if scopes is None else scopes,
            created_at=now,
            expires_at=now + timedelta(hours=1),
        )
        return token
