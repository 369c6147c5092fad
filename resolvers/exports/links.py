"""Download links for finished exports: `/exports/{id}?expires=...&signature=...`, signed
with the server's key (HMAC-SHA256) so that a browser can open one without a bearer token,
and only until it expires. The signature covers the job id and the expiry: changing either
breaks it."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from enum import StrEnum


class LinkRefusal(StrEnum):
    """Why a link does not open, as the download route's stable error codes."""

    INVALID_SIGNATURE = "INVALID_SIGNATURE"
    LINK_EXPIRED = "LINK_EXPIRED"


def _signature(secret_key: str, job_id: int, expires: int) -> str:
    message = f"export-download:{job_id}:{expires}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def signed_path(secret_key: str, job_id: int, expires_at: datetime) -> str:
    expires = int(expires_at.timestamp())
    signature = _signature(secret_key, job_id, expires)
    return f"/exports/{job_id}?expires={expires}&signature={signature}"


def check_link(
    secret_key: str, job_id: int, expires: str | None, signature: str | None, now: datetime
) -> LinkRefusal | None:
    """None when the link is ours and still valid; else why not. The signature is checked
    before the expiry, so a forged link is never told that it merely expired."""
    unix_time = bool(expires) and expires.isascii() and expires.isdigit() and len(expires) <= 12
    if not unix_time or not signature:
        return LinkRefusal.INVALID_SIGNATURE
    expected = _signature(secret_key, job_id, int(expires))
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return LinkRefusal.INVALID_SIGNATURE
    if datetime.fromtimestamp(int(expires), UTC) <= now:
        return LinkRefusal.LINK_EXPIRED
    return None
