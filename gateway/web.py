"""The web cabinet at `/` and GraphiQL's files: static, from the project, never a CDN.

The cabinet is a no-build page (ES modules under web/) that talks to the gateway only
through /graphql and /exports, sending its operations by trusted-document id; it reads the
ids from /app/documents.json (documents/manifest.json as it is on disk).
"""

from __future__ import annotations

import re
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
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


class _CabinetFiles(StaticFiles):
    """web/ with the security headers, revalidated on every load (no build step stamps
    the names, so a cached module must not outlive an upgrade)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                for name, value in {**_SECURITY_HEADERS, "Cache-Control": "no-cache"}.items():
                    headers.append((name.lower().encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await super().__call__(scope, receive, send_with_headers)


async def _index(_request: Request) -> Response:
    return FileResponse(
        WEB_DIR / "index.html",
        headers={**_SECURITY_HEADERS, "Cache-Control": "no-cache"},
        media_type="text/html; charset=utf-8",
    )


async def _documents(_request: Request) -> Response:
    # The manifest as it is on disk: ids and bodies of the project's own documents.
    return FileResponse(
        MANIFEST_PATH, media_type="application/json", headers={"Cache-Control": "no-cache"}
    )


def cabinet_routes() -> list[Route | Mount]:
    return [
        Route("/", _index, methods=["GET"]),
        Route("/app/documents.json", _documents, methods=["GET"]),
        Mount("/app", app=_CabinetFiles(directory=WEB_DIR), name="cabinet"),
    ]
