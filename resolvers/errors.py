"""Errors a client can cause, each with a stable `extensions.code`.

graphql-core copies an exception's `extensions` onto the GraphQL error, so these are plain
exceptions; anything else raised in a resolver is masked as INTERNAL_SERVER_ERROR.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ClientError(Exception):
    code: ClassVar[str] = "BAD_REQUEST"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions: dict[str, Any] = {"code": self.code, **extensions}


class Unauthenticated(ClientError):
    code = "UNAUTHENTICATED"


class Forbidden(ClientError):
    code = "FORBIDDEN"


class NotFound(ClientError):
    code = "NOT_FOUND"


class BadUserInput(ClientError):
    code = "BAD_USER_INPUT"


class RateLimited(ClientError):
    code = "RATE_LIMITED"

    def __init__(self, message: str, retry_after: int, **extensions: Any) -> None:
        super().__init__(message, retryAfter=max(1, int(retry_after)), **extensions)


class Conflict(ClientError):
    code = "CONFLICT"


class SubscriptionLimitReached(ClientError):
    """Too many live subscriptions on one WebSocket connection or for one viewer."""

    code = "SUBSCRIPTION_LIMIT"
