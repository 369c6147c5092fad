"""The /graphql endpoint: strawberry's ASGI view with Kabinet's per-request context."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from gateway.request_id import current_request_id
from permissions.viewer import ANONYMOUS
from resolvers.context import RequestContext
from resolvers.loaders import Loaders
from resolvers.services import Services


class KabinetGraphQL(GraphQL[RequestContext, None]):
    def __init__(self, *args: Any, services: Services, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.services = services

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        client = request.client
        viewer = request.scope.get("state", {}).get("viewer", ANONYMOUS)
        return RequestContext(
            viewer=viewer,
            services=self.services,
            loaders=Loaders(viewer, self.services),
            request_id=current_request_id(),
            client_ip=client.host if client else "",
            user_agent=request.headers.get("user-agent", "")[:256],
        )

    async def get_root_value(self, request: Request | WebSocket) -> Any:
        return None
