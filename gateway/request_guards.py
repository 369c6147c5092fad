"""Refusals of a request before GraphQL sees it, answered as JSON in GraphQL's error shape
(strawberry answers its own HTTP errors in plain text), and the JSON-depth guard."""

from __future__ import annotations

import json
from typing import Any

from cross_web import HTTPException
from starlette.responses import Response

from gateway.media_types import JSON, json_response

# What /graphql serves; a 405 says so in `Allow` (RFC 9110 requires the header).
ALLOWED_METHODS = "GET, POST"
# strawberry's refusals carry only a status; the code a client switches on follows from it.
_CODE_BY_STATUS = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


class RequestRefused(HTTPException):
    """An HTTP-level refusal with a stable `extensions.code` (and any other extensions),
    and the response headers it needs (`Allow` on a 405)."""

    def __init__(
        self,
        status_code: int,
        message: str,
        code: str,
        *,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(status_code, message)
        self.code = code
        self.headers = headers or {}
        self.extensions = extensions


def refusal_response(error: HTTPException, media_type: str = JSON) -> Response:
    """strawberry's own refusals (wrong method or content type, unparsable JSON, a missing
    query) get a code by their status, BAD_REQUEST for a 400; ours keep theirs. No `data`
    entry in either media type: nothing ran."""
    default = _CODE_BY_STATUS.get(error.status_code, "BAD_REQUEST")
    code = getattr(error, "code", default)
    extensions = {"code": code, **getattr(error, "extensions", {})}
    headers = dict(getattr(error, "headers", {}))
    if error.status_code == 405:
        headers.setdefault("Allow", ALLOWED_METHODS)
    return json_response(
        {"errors": [{"message": error.reason, "extensions": extensions}]},
        error.status_code,
        media_type,
        headers,
    )


def too_deep(value: Any, max_depth: int) -> bool:
    """Whether a decoded JSON value nests more than `max_depth` arrays and objects; one
    pass without recursion, so no value can exhaust the stack here (graphql-core's input
    coercion, which runs later, is recursive)."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > max_depth:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def decode_bounded_json(data: str | bytes, max_depth: int) -> object:
    try:
        value = json.loads(data)
    except RecursionError:
        value = None
        deep = True
    except json.JSONDecodeError as exc:
        raise RequestRefused(
            400, f"The body is not valid JSON: {exc.msg} at position {exc.pos}.", "BAD_REQUEST"
        ) from None
    else:
        deep = too_deep(value, max_depth)
    if deep:
        raise RequestRefused(
            400,
            f"The JSON nests arrays and objects more than {max_depth} deep "
            f"(at most {max_depth}, GRAPHQL_MAX_JSON_DEPTH).",
            "BAD_USER_INPUT",
            limit="GRAPHQL_MAX_JSON_DEPTH",
            value=max_depth,
        )
    return value
