"""POST /internal/usage: rated usage from the network, for internal services only."""

from __future__ import annotations

import hmac
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from resolvers.money.announced import ingest_announced
from resolvers.money.charges import MAX_BATCH
from resolvers.services import Services

MAX_BODY_BYTES = 2 * 1024 * 1024


def usage_endpoint(services: Services, internal_token: str | None) -> Any:
    async def usage(request: Request) -> JSONResponse:
        if internal_token is None:
            return _error(404, "NOT_FOUND", "The internal API is off (set INTERNAL_API_TOKEN).")
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), internal_token.encode()
        ):
            return _error(401, "UNAUTHENTICATED", "A valid internal service token is required.")
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return _error(413, "PAYLOAD_TOO_LARGE", f"Send at most {MAX_BODY_BYTES} bytes.")
        try:
            records = json.loads(body)["records"]
            if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return _error(400, "BAD_USER_INPUT", 'Send {"records": [{...}, ...]} as JSON.')
        if len(records) > MAX_BATCH:
            return _error(400, "BAD_USER_INPUT", f"At most {MAX_BATCH} records per batch.")
        result = await ingest_announced(services, records)
        return JSONResponse(result.as_json())

    return usage


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
