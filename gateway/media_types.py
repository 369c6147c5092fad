"""GraphQL over HTTP's two response media types, chosen by the request's Accept header.

`application/graphql-response+json` lets the status code say what happened (4xx and no
`data` entry for a request that never ran); `application/json` is what older clients
understand, and stays the default: no Accept, `*/*`, or nothing we can serve.
"""

from __future__ import annotations

import json
from typing import Any, Final

import orjson
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import Scope

GRAPHQL_RESPONSE_JSON: Final = "application/graphql-response+json"
JSON: Final = "application/json"
# RFC 8259 defines no charset for JSON, but the GraphQL-over-HTTP spec asks servers to
# say it, and some clients (and proxies) guess latin-1 without it.
CONTENT_TYPES: Final = {
    GRAPHQL_RESPONSE_JSON: f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8",
    JSON: f"{JSON}; charset=utf-8",
}

# The fallback, built once: json.dumps with any non-default argument builds a new encoder
# per call. ensure_ascii=False sends Cyrillic as UTF-8 (half the bytes of `\u` escapes).
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode_json(data: object) -> str:
    """Compact JSON in UTF-8. orjson writes a large answer (a family tree of 500 numbers)
    about ten times faster than the standard library; what it refuses (an integer past 64
    bits, a key that is not a string) goes to the standard encoder, which says the same."""
    try:
        return orjson.dumps(data).decode()
    except orjson.JSONEncodeError:
        return _ENCODER.encode(data)


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value.strip()), 0.0), 1.0)
            except ValueError:
                return 0.0  # a malformed weight: treat that range as not acceptable
    return 1.0


def negotiate(accept: str | None) -> str:
    """The media type to answer in. Each candidate takes the weight of the most specific
    range that matches it (`application/json;q=0` beats `*/*`); the heavier one wins, and
    a tie goes to graphql-response+json only when the client named it, so `*/*` and
    `application/*` get application/json."""
    if not accept:
        return JSON
    # candidate -> (specificity, weight) of its most specific matching range
    best: dict[str, tuple[int, float]] = {}
    for item in accept.split(","):
        media_range, *params = item.split(";")
        media_range = media_range.strip().lower()
        for candidate in (GRAPHQL_RESPONSE_JSON, JSON):
            if media_range == candidate:
                specificity = 2
            elif media_range in ("application/*", "*/*"):
                specificity = 1 if media_range == "application/*" else 0
            else:
                continue
            if specificity >= best.get(candidate, (-1, 0.0))[0]:
                best[candidate] = (specificity, _quality(params))
    response_json = best.get(GRAPHQL_RESPONSE_JSON, (-1, 0.0))
    plain = best.get(JSON, (-1, 0.0))
    if response_json[1] > plain[1] or (response_json[1] == plain[1] > 0 and response_json[0] == 2):
        return GRAPHQL_RESPONSE_JSON
    # application/json also when nothing listed is acceptable: the spec lets a server
    # answer in its default rather than 406, and a browser or curl still gets readable JSON.
    return JSON


def negotiate_scope(scope: Scope) -> str:
    return negotiate(Headers(scope=scope).get("accept"))


def json_response(
    body: dict[str, Any],
    status_code: int,
    media_type: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """An error answer outside GraphQL execution (401, 405, 413, bad requests). Under
    graphql-response+json a request that never ran has no `data` entry at all."""
    if media_type == GRAPHQL_RESPONSE_JSON:
        body = {key: value for key, value in body.items() if key != "data"}
    return Response(
        encode_json(body),
        status_code=status_code,
        headers=headers,
        media_type=CONTENT_TYPES[media_type],
    )
