"""Transport limits applied before any GraphQL work: request body size, WebSocket message
size."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.media_types import json_response, negotiate_scope

# The general body limit is a setting (HTTP_MAX_BODY_BYTES, gateway/config.py).
# Paths that carry batches take more (the endpoint itself checks its own, exact limit).
LARGER_BODIES = {"/internal/usage": 2 * 1024 * 1024}
# One WebSocket message (connection_init, subscribe): a subscription document is small, and
# uvicorn's default (16 MiB) would let one message cost far more than any HTTP request may.
# uvicorn closes the connection with 1009 (message too big) above it.
MAX_WS_MESSAGE_BYTES = 64 * 1024


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.default_max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = LARGER_BODIES.get(scope["path"], self.default_max_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await self._too_large(scope, receive, send, max_bytes)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _BodyTooLarge:
            await self._too_large(scope, receive, send, max_bytes)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
        response = json_response(
            {
                "errors": [
                    {
                        "message": f"Request body over {max_bytes} bytes.",
                        "extensions": {"code": "PAYLOAD_TOO_LARGE"},
                    }
                ]
            },
            413,
            negotiate_scope(scope),
        )
        await response(scope, receive, send)


class _BodyTooLarge(Exception):
    pass
