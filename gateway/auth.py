"""Turns the `Authorization: Bearer ...` header into a Viewer."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.media_types import json_response, negotiate_scope
from permissions.viewer import ANONYMOUS, Viewer
from resolvers.errors import Unauthenticated
from resolvers.identity.sessions import viewer_for_access_token
from resolvers.services import Services

MAX_TOKEN_LENGTH = 200


async def authenticate(services: Services, authorization: str | None) -> Viewer:
    """No header: anonymous. A header with a bad, expired or revoked token: UNAUTHENTICATED
    (a client that sent a token wants to be someone; silently serving it as anonymous
    would hide the problem)."""
    if not authorization:
        return ANONYMOUS
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_LENGTH:
        raise Unauthenticated("Send the token as `Authorization: Bearer <token>`.")
    viewer = await viewer_for_access_token(services, token)
    if viewer is None:
        raise Unauthenticated("The access token is invalid or has expired. Refresh or sign in.")
    return viewer


class BearerAuth:
    """ASGI wrapper for the GraphQL endpoint: resolves the viewer once, before any GraphQL
    work, and answers a bad token with 401 in GraphQL's error shape."""

    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = Headers(scope=scope).get("authorization")
        try:
            viewer = await authenticate(self.services, header)
        except Unauthenticated as exc:
            response = json_response(
                {"data": None, "errors": [{"message": exc.message, "extensions": exc.extensions}]},
                401,
                negotiate_scope(scope),
                {"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["viewer"] = viewer
        await self.app(scope, receive, send)
