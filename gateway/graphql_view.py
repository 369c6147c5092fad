"""The /graphql endpoint: strawberry's ASGI view with Kabinet's per-request context."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from gateway.auth import authenticate
from gateway.request_id import current_request_id
from resolvers.context import RequestContext
from resolvers.loaders import Loaders


class KabinetGraphQL(GraphQL[RequestContext, None]):
    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        viewer = await authenticate(request.headers.get("authorization"))
        client = request.client
        return RequestContext(
            viewer=viewer,
            loaders=Loaders(),
            request_id=current_request_id(),
            client_ip=client.host if client else "",
            user_agent=request.headers.get("user-agent", "")[:256],
        )

    async def get_root_value(self, request: Request | WebSocket) -> Any:
        return None
