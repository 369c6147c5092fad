"""GET /exports/{id}?expires=...&signature=...: the file of a finished export, streamed from
the export storage. No bearer token (a browser opens the link): the signature is the
permission, and the access of the viewer who asked is checked again, now, so a link made
before their grant was revoked (or their partner app disabled) no longer opens.

403 (JSON, `INVALID_SIGNATURE` or `LINK_EXPIRED`) for a link that is not ours or has
expired, never a byte of the file; 404 (`NOT_FOUND`) for a job that has no file (not made
yet, removed after its retention) or whose asker no longer sees the number's usage."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from models import ExportJob
from resolvers.exports.detail_file import detailed_line
from resolvers.exports.links import LinkRefusal, check_link
from resolvers.exports.reading import COLUMNS, asker_still_reads
from resolvers.exports.writers import CONTENT_TYPES, EXTENSIONS
from resolvers.services import Services

_MESSAGES = {
    LinkRefusal.INVALID_SIGNATURE: "This download link is not valid. Ask for the export's "
    "link again (viewer.exports).",
    LinkRefusal.LINK_EXPIRED: "This download link has expired. Read the export again "
    "(viewer.exports) for a fresh link.",
}
MAX_ID = 2**31 - 1
NO_FILE = "No such export file: it is not ready, was removed, or is no longer yours to see."


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


def download_endpoint(services: Services) -> Any:
    async def download(request: Request) -> Response:
        raw_id = request.path_params["job_id"]
        # ASCII digits of an INTEGER id; anything else signs nothing we made.
        job_id = int(raw_id) if raw_id.isascii() and raw_id.isdigit() else 0
        job_id = job_id if job_id <= MAX_ID else 0
        now = services.clock()
        refusal = check_link(
            services.secret_key,
            job_id,
            request.query_params.get("expires"),
            request.query_params.get("signature"),
            now,
        )
        if refusal is not None:
            return _error(403, str(refusal), _MESSAGES[refusal])
        exports = services.exports
        rows = await ExportJob.filter(id=job_id).values(*COLUMNS)
        row = rows[0] if rows else None
        if exports is None or row is None or not row["storage_key"]:
            return _error(404, "NOT_FOUND", NO_FILE)
        if not await asker_still_reads(row, now):
            return _error(404, "NOT_FOUND", NO_FILE)
        size = await exports.storage.size(row["storage_key"])
        if size is None:
            return _error(404, "NOT_FOUND", NO_FILE)
        line = await detailed_line(row["number_id"])
        filename = _filename(line.slug, row)
        return StreamingResponse(
            exports.storage.read(row["storage_key"]),
            media_type=CONTENT_TYPES[row["format"]],
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                "Content-Length": str(size),
                "Cache-Control": "private, no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

    return download


def _filename(slug: str, row: dict[str, Any]) -> str:
    """ASCII only (digits, dashes): `detail-79991234567-2026-11-01-2026-11-30.pdf` (a
    contract's number in place of a phone's), the first and last day of the period as the
    client asked for it."""
    first, last = row["usage_filter"]["days"]
    return f"detail-{slug}-{first}-{last}.{EXTENSIONS[row['format']]}"
