"""The web cabinet at `/` and GraphiQL's files: static, from the project, never a CDN.

The cabinet is a no-build page (ES modules under web/) that talks to the gateway only
through /graphql and /exports, sending its operations by trusted-document id; it reads the
ids from /app/documents.json (documents/manifest.json as it is on disk).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from gateway.trusted_documents import MANIFEST_PATH

WEB_DIR = Path(__file__).resolve().parents[1] / "web"
VENDOR_URL = "/app/vendor"

# Scripts only from this origin, none inline: a script injected into a page through some
# unescaped text could not run, so it could not read the refresh token either.
CABINET_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_SECURITY_HEADERS = {
    "Content-Security-Policy": CABINET_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # frame-ancestors' older twin, for browsers without CSP level 2.
    "X-Frame-Options": "DENY",
}
# What web/ may serve, and as what: the system's mime.types is not asked (one that maps .js
# to text/plain would stop every module under `nosniff`), and nothing else there is served
# (licences, notes, a stray file someone left).
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".html": "text/html; charset=utf-8",
}

# strawberry's graphiql.html names these on unpkg.com; the same bytes are in web/vendor/.
_CDN_FILES = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react/react.production.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": (
        "react-dom/react-dom.production.min.js"
    ),
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js-cookie/js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql/graphiql.min.css",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": (
        "graphiql-plugin-explorer/style.css"
    ),
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql/graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": (
        "graphiql-plugin-explorer/index.umd.js"
    ),
}


def offline_graphiql(html: str) -> str:
    """strawberry's GraphiQL page with every CDN address replaced by the vendored file.
    Raises if an address is left (a strawberry upgrade that changed the versions must
    vendor the new files, not silently go back to the CDN)."""
    for cdn, local in _CDN_FILES.items():
        html = html.replace(cdn, f"{VENDOR_URL}/{local}")
    # Same-origin files need no CORS mode; the integrity hashes stay (the bytes are the same).
    html = html.replace("crossorigin\n", "\n")
    left = re.findall(r"""(?:src|href)="(https?://[^"]+)\"""", html)
    if left:
        raise RuntimeError(f"GraphiQL still loads from the internet: {left}")
    return html


def graphiql_policy(html: str) -> str:
    """GraphiQL's Content-Security-Policy: its files from this origin, its one inline script
    by hash (strawberry writes it into the page), inline styles (React sets them), and
    never in a frame (a page that framed it could trick a click into running a mutation)."""
    inline = re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
        for body in inline
    )
    return (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def graphiql_headers(html: str) -> dict[str, str]:
    return {
        **_SECURITY_HEADERS,
        "Content-Security-Policy": graphiql_policy(html),
        "Cache-Control": "no-cache",
    }


class _CabinetFiles(StaticFiles):
    """web/ with the security headers and its own content types, revalidated on every load
    (no build step stamps the names, so a cached module must not outlive an upgrade).
    StaticFiles itself refuses `..` and symlinks that lead out of web/."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        content_type = CONTENT_TYPES.get(Path(scope["path"]).suffix.lower())
        if content_type is None:
            await _not_found(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != b"content-type"
                ]
                if message["status"] < 300:
                    headers.append((b"content-type", content_type.encode()))
                for name, value in {**_SECURITY_HEADERS, "Cache-Control": "no-cache"}.items():
                    headers.append((name.lower().encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await super().__call__(scope, receive, send_with_headers)
        except HTTPException as error:  # StaticFiles raises its 404, past our headers
            if error.status_code != 404:
                raise
            await _not_found(scope, receive, send)


async def _not_found(scope: Scope, receive: Receive, send: Send) -> None:
    response = PlainTextResponse("Not Found", status_code=404, headers=_SECURITY_HEADERS)
    await response(scope, receive, send)


async def _index(_request: Request) -> Response:
    return FileResponse(
        WEB_DIR / "index.html",
        headers={**_SECURITY_HEADERS, "Cache-Control": "no-cache"},
        media_type="text/html; charset=utf-8",
    )


async def _documents(_request: Request) -> Response:
    # The manifest as it is on disk: ids and bodies of the project's own documents.
    return FileResponse(
        MANIFEST_PATH,
        media_type="application/json",
        headers={**_SECURITY_HEADERS, "Cache-Control": "no-cache"},
    )


def cabinet_routes() -> list[Route | Mount]:
    return [
        Route("/", _index, methods=["GET"]),
        Route("/app/documents.json", _documents, methods=["GET"]),
        Mount("/app", app=_CabinetFiles(directory=WEB_DIR), name="cabinet"),
    ]
