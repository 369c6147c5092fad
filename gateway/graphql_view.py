"""The /graphql endpoint: strawberry's ASGI view with Kabinet's per-request context.

Queries and mutations come over HTTP (authenticated by BearerAuth, one context per request);
subscriptions over WebSocket with graphql-transport-ws, authenticated at `connection_init`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from gateway.auth import authenticate
from gateway.request_id import current_request_id
from gateway.ws_limits import LimitedTransportWSHandler, SubscriptionCaps
from permissions.viewer import ANONYMOUS, Viewer
from resolvers.context import RequestContext
from resolvers.errors import Unauthenticated
from resolvers.loaders import Loaders
from resolvers.policy import RequestPolicy
from resolvers.services import Services


@dataclass
class ConnectionContext(RequestContext):
    """One WebSocket connection. Its viewer is settled at `connection_init`; every operation
    runs on a copy with fresh loaders (`for_operation`), as if it were its own request."""

    connection_params: dict[str, Any] = field(default_factory=dict)
    upgrade_authorization: str | None = None  # the handshake's Authorization header
    authorization: str | None = None  # the one `connection_init` settled on

    async def current_viewer(self) -> Viewer:
        """The viewer as of now: raises Unauthenticated once the token expired or was
        revoked (checked before every event, as HTTP checks it before every request)."""
        return await authenticate(self.services, self.authorization)

    def for_operation(self) -> ConnectionContext:
        return replace(self, loaders=Loaders(self.viewer, self.services))


def _authorization_param(params: dict[str, Any]) -> str | None:
    for key, value in params.items():
        if key.lower() == "authorization":
            if not isinstance(value, str):
                raise Unauthenticated("Send the token as `Authorization: Bearer <token>`.")
            return value
    return None


class _PerOperationSchema:
    """The schema as the WebSocket handler sees it: each operation gets its own context,
    and only subscriptions are served (queries and mutations go over HTTP, where body
    limits and per-request authentication apply)."""

    def __init__(self, schema: BaseSchema) -> None:
        self._schema = schema

    async def stream(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any = None,
        root_value: Any = None,
        operation_name: str | None = None,
        operation_extensions: dict[str, Any] | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
    ) -> Any:
        assert isinstance(context_value, ConnectionContext)
        return await self._schema.stream(
            query,
            variable_values=variable_values,
            context_value=context_value.for_operation(),
            root_value=root_value,
            operation_name=operation_name,
            operation_extensions=operation_extensions,
            allowed_operation_types=(OperationType.SUBSCRIPTION,),
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._schema, name)


class _TransportWSHandler(LimitedTransportWSHandler):  # caps: gateway/ws_limits.py
    def __init__(self, *, schema: BaseSchema, **kwargs: Any) -> None:
        super().__init__(schema=_PerOperationSchema(schema), **kwargs)  # type: ignore[arg-type]


class KabinetGraphQL(GraphQL[RequestContext, None]):
    graphql_transport_ws_handler_class = _TransportWSHandler

    def __init__(
        self,
        *args: Any,
        services: Services,
        policy: RequestPolicy | None = None,
        subscription_caps: SubscriptionCaps | None = None,
        **kwargs: Any,
    ) -> None:
        # One WebSocket protocol, the one whose connection_init carries the token.
        kwargs.setdefault("subscription_protocols", (GRAPHQL_TRANSPORT_WS_PROTOCOL,))
        super().__init__(*args, **kwargs)
        self.services = services
        self.policy = policy or RequestPolicy()
        self.subscription_caps = subscription_caps

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        client = request.client
        common: dict[str, Any] = {
            "services": self.services,
            "request_id": current_request_id(),
            "client_ip": client.host if client else "",
            "user_agent": request.headers.get("user-agent", "")[:256],
            "policy": self.policy,
            "introspection_key": request.headers.get("x-introspection-key"),
        }
        if isinstance(request, WebSocket):
            # Anonymous until connection_init says otherwise (on_ws_connect).
            return ConnectionContext(
                **common,
                loaders=Loaders(ANONYMOUS, self.services),
                upgrade_authorization=request.headers.get("authorization"),
            )
        viewer = request.scope.get("state", {}).get("viewer", ANONYMOUS)
        return RequestContext(
            **common, viewer=viewer, loaders=Loaders(viewer, self.services), response=response
        )

    async def on_ws_connect(self, context: RequestContext) -> UnsetType | dict[str, object] | None:
        """`connection_init`: the payload's `Authorization` (or the handshake's header) names
        the viewer. A bad token closes the connection (4403); none means anonymous, whose
        subscriptions are refused with UNAUTHENTICATED."""
        assert isinstance(context, ConnectionContext)
        try:
            header = _authorization_param(context.connection_params)
            header = header or context.upgrade_authorization
            viewer = await authenticate(self.services, header)
        except Unauthenticated as exc:
            raise ConnectionRejectionError({"message": exc.message, **exc.extensions}) from exc
        context.authorization = header
        context.viewer = viewer
        context.loaders = Loaders(viewer, self.services)
        return UNSET

    async def get_root_value(self, request: Request | WebSocket) -> Any:
        return None
