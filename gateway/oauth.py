"""POST /oauth/token: the client-credentials grant for partner apps (RFC 6749 §4.4)."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qs, unquote

from starlette.requests import Request
from starlette.responses import JSONResponse

from resolvers.identity.partners import TokenRequestError, issue_partner_token
from resolvers.services import Services

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
MAX_FORM_BYTES = 4096


def token_endpoint(services: Services):
    async def token(request: Request) -> JSONResponse:
        basic = _basic_credentials(request.headers.get("authorization", ""))
        try:
            form = await _form(request)
            if form.get("grant_type") != "client_credentials":
                raise TokenRequestError(
                    "unsupported_grant_type", "Only grant_type=client_credentials is supported."
                )
            client_id, client_secret = basic or (form.get("client_id"), form.get("client_secret"))
            if not client_id or not client_secret:
                raise TokenRequestError(
                    "invalid_client",
                    "Authenticate with HTTP Basic or client_id and client_secret.",
                    401,
                )
            client_ip = request.client.host if request.client else ""
            issued = await issue_partner_token(
                services, client_id, client_secret, form.get("scope"), client_ip
            )
        except TokenRequestError as exc:
            headers = dict(_NO_STORE)
            if exc.status == 401:
                headers["WWW-Authenticate"] = 'Basic realm="kabinet"'
            return JSONResponse(
                {"error": exc.error, "error_description": exc.description},
                status_code=exc.status,
                headers=headers,
            )
        return JSONResponse(
            {
                "access_token": issued.access_token,
                "token_type": "Bearer",
                "expires_in": issued.expires_in,
                "scope": issued.scope,
            },
            headers=_NO_STORE,
        )

    return token


async def _form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type != "application/x-www-form-urlencoded":
        raise TokenRequestError(
            "invalid_request", "Send the parameters as application/x-www-form-urlencoded."
        )
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise TokenRequestError("invalid_request", "The request body is too large.")
    parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=False)
    if any(len(values) > 1 for values in parsed.values()):
        raise TokenRequestError("invalid_request", "A parameter was sent more than once.")
    return {key: values[0] for key, values in parsed.items()}


def _basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        return None
    # RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
    return unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))
