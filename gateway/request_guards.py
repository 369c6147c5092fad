"""Refusals of a request before GraphQL sees it, answered as JSON in GraphQL's error shape
(strawberry answers its own HTTP errors in plain text), and the JSON-depth guard."""

from __future__ import annotations

import json
from typing import Any

from cross_web import HTTPException
from starlette.responses import JSONResponse


class RequestRefused(HTTPException):
    """An HTTP-level refusal with a stable `extensions.code` (and any other extensions)."""

    def __init__(self, status_code: int, message: str, code: str, **extensions: Any) -> None:
        super().__init__(status_code, message)
        self.code = code
        self.extensions = extensions


def refusal_response(error: HTTPException) -> JSONResponse:
    """strawberry's own refusals (wrong method or content type, unparsable JSON, a missing
    query) get the code BAD_REQUEST; ours keep theirs."""
    code = getattr(error, "code", "BAD_REQUEST")
    extensions = {"code": code, **getattr(error, "extensions", {})}
    return JSONResponse(
        {"errors": [{"message": error.reason, "extensions": extensions}]},
        status_code=error.status_code,
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
