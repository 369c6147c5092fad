"""The /graphql endpoint: strawberry's ASGI view with Kabinet's per-request context.

Queries and mutations come over HTTP (authenticated by BearerAuth, one context per request);
subscriptions over WebSocket with graphql-transport-ws, authenticated at `connection_init`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any

from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema import BaseSchema
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from gateway.auth import authenticate
from gateway.media_types import (
    CONTENT_TYPES,
    GRAPHQL_RESPONSE_JSON,
    JSON,
    encode_json,
    negotiate_scope,
)
from gateway.request_guards import RequestRefused, decode_bounded_json, refusal_response
from gateway.request_id import current_request_id
from gateway.trusted_documents import TrustedDocuments, subscribe_request
from gateway.web import graphiql_headers, offline_graphiql
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
    """graphql-transport-ws with the trusted-documents rule HTTP follows. The rule comes
    before the caps, as over HTTP it comes before the rate limits: a refused `subscribe`
    takes no place and is not counted."""

    def __init__(self, *, schema: BaseSchema, **kwargs: Any) -> None:
        super().__init__(schema=_PerOperationSchema(schema), **kwargs)  # type: ignore[arg-type]

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        """The document to run goes into the payload's `query`, where strawberry reads it
        (it reads no id, and closes the connection when `query` is missing). A refusal is
        that operation's `error` message with HTTP's code; the connection stays open."""
        if not self.connection_acknowledged or message["id"] in self.operations:
            await super().handle_subscribe(message)  # strawberry closes (4401, 4409)
            return
        payload = message["payload"]  # missing: KeyError, strawberry closes with 4400
        if not isinstance(payload, dict):
            await self.handle_invalid_message("Failed to parse message")  # 4400, as strawberry
            return
        view = self.view
        assert isinstance(view, KabinetGraphQL)
        try:
            query, extensions = subscribe_request(payload)
            query = view.trusted_documents.resolve(query, extensions, self.context.viewer)
        except RequestRefused as refused:
            error = GraphQLError(
                refused.reason, extensions={"code": refused.code, **refused.extensions}
            )
            await self.send_message(
                {"id": message["id"], "type": "error", "payload": [error.formatted]}
            )
            return
        await super().handle_subscribe({**message, "payload": {**payload, "query": query}})


log = logging.getLogger("kabinet.http")
# Set while strawberry decodes a POST body, so that the body's top-level `documentId`
# (GraphQL over HTTP's persisted documents) is kept: strawberry reads only query,
# variables, operationName and extensions.
_decoding_body: ContextVar[bool] = ContextVar("decoding_body", default=False)
# The media type the request's Accept header chose (gateway/media_types.py), for the
# hooks strawberry calls without the request.
_media_type: ContextVar[str] = ContextVar("media_type", default=JSON)
# Errors that mean the operation never ran although they carry no path: the deadline
# cut it short, or something failed inside (both keep their answer and status).
_RAN_CODES = frozenset({"TIMEOUT", "INTERNAL_SERVER_ERROR"})


def is_request_error(result: ExecutionResult) -> bool:
    """GraphQL over HTTP's "request error": nothing was executed (a syntax or validation
    error, a document limit, a variable's value refused, a rate limit). Field errors
    always carry a path; these never do, and come without data."""
    return (
        result.data is None
        and bool(result.errors)
        and all(
            error.path is None and (error.extensions or {}).get("code") not in _RAN_CODES
            for error in result.errors or []
        )
    )


def _keep_document_id(value: object) -> object:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, dict) and "documentId" in item:
            extensions = item.get("extensions") or {}
            if isinstance(extensions, dict):
                item["extensions"] = {**extensions, "documentId": item["documentId"]}
    return value


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
        self.trusted_documents = TrustedDocuments.load(
            required=self.policy.trusted_documents == "require"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        media_type = negotiate_scope(scope)
        token = _media_type.set(media_type)
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as error:  # strawberry's refusals and ours, as JSON
            response = refusal_response(error, media_type)
        finally:
            _media_type.reset(token)
        await response(scope, receive, send)

    @property
    def graphql_ide_html(self) -> str:
        # GraphiQL from the project's own files: it works without the internet.
        return offline_graphiql(super().graphql_ide_html)

    async def render_graphql_ide(self, request: Request) -> Response:
        # Under a policy of its own (its inline script by hash) and never in a frame.
        html = self.graphql_ide_html
        return HTMLResponse(html, headers=graphiql_headers(html))

    def encode_json(self, data: object) -> str:
        # UTF-8, not `\u` escapes, for Cyrillic names and messages.
        return encode_json(data)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        answer = await super().process_result(request, result)
        if _media_type.get() == GRAPHQL_RESPONSE_JSON and is_request_error(result):
            answer.pop("data", None)  # the spec: a request error has no `data` entry
        return answer

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = CONTENT_TYPES[_media_type.get()]
        return response

    def decode_json(self, data: str | bytes) -> object:
        # Bounded: Python's decoder raises RecursionError on deep nesting, and
        # graphql-core's input coercion recurses on whatever nesting gets through.
        value = decode_bounded_json(data, self.policy.limits.max_json_depth)
        if _decoding_body.get():
            _decoding_body.set(False)  # the body only, not variables inside it
            value = _keep_document_id(value)
        return value

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A GET naming a trusted document has no `query`, yet is an operation. (The query
        # string is parsed only for a GET that would otherwise get the IDE.)
        if not super().should_render_graphql_ide(request):
            return False
        params = request.query_params
        return params.get("documentId") is None and params.get("extensions") is None

    def parse_query_params(self, params: Any) -> dict[str, Any]:
        parsed = super().parse_query_params(params)
        return _keep_document_id(parsed)  # type: ignore[return-value]

    async def parse_http_body(self, request: Any) -> Any:
        token = _decoding_body.set(request.method == "POST")
        try:
            return await super().parse_http_body(request)
        finally:
            _decoding_body.reset(token)

    async def execute_single(  # type: ignore[override]
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Response,
        context: RequestContext,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """The trusted-documents rule, then the request's deadline: past it the
        execution is cancelled (a transaction open in it rolls back) and the answer is
        503 with TIMEOUT."""
        query = self.trusted_documents.resolve(
            request_data.query, request_data.extensions or {}, context.viewer
        )
        request_data = replace(request_data, query=query)
        seconds = self.policy.request_timeout
        try:
            async with asyncio.timeout(seconds):
                result = await super().execute_single(
                    request, request_adapter, sub_response, context, root_value, request_data
                )
        except HTTPException as error:
            refused = error.__cause__
            if (
                isinstance(refused, InvalidOperationTypeError)
                and refused.operation_type is OperationType.MUTATION
                and request_adapter.method == "GET"
            ):
                # GraphQL over HTTP: a mutation over GET is 405, and POST is the way.
                raise RequestRefused(
                    405,
                    "Mutations are not allowed over GET; send them with POST.",
                    "METHOD_NOT_ALLOWED",
                    headers={"Allow": "POST"},
                ) from refused
            raise
        except TimeoutError:
            log.warning("request cancelled after %s s (REQUEST_TIMEOUT)", seconds)
            sub_response.status_code = 503
            return ExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        f"The request took longer than {seconds:g} s and was stopped; "
                        "what it had not committed was rolled back.",
                        extensions={
                            "code": "TIMEOUT",
                            "limit": "REQUEST_TIMEOUT",
                            "value": seconds,
                        },
                    )
                ],
            )
        # Under graphql-response+json a request that never ran says so in its status
        # (400 unless it already has one, like 429); application/json keeps 200, as
        # older clients expect and the spec allows.
        if (
            _media_type.get() == GRAPHQL_RESPONSE_JSON
            and not sub_response.status_code
            and is_request_error(result)
        ):
            sub_response.status_code = 400
        return result

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
