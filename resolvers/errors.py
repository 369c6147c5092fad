"""Errors a client can cause, each with a stable `extensions.code`.

graphql-core copies an exception's `extensions` onto the GraphQL error, so these are plain
exceptions; anything else raised in a resolver is masked as INTERNAL_SERVER_ERROR.
"""

from __future__ import annotations

from typing import Any, ClassVar

from permissions.levels import Level, missing_scope
from permissions.viewer import Viewer


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


def refusal(viewer: Viewer, level: Level, required: Level, scope: str | None) -> Forbidden:
    """Says what is missing: an app at the right level without the scope must not be told
    it needs a level it already has."""
    missing = missing_scope(viewer, scope) if level >= required else None
    if missing is not None:
        return Forbidden(
            f"This needs the {missing} scope on the app's token.",
            requiredLevel=required.name,
            requiredScope=missing,
        )
    return Forbidden(
        f"This needs {required.name} access to the number.", requiredLevel=required.name
    )
