"""Who sees an export and its link: only the viewer who asked for it, and only while they
still see the number's usage (FULL with `usage:read`). Anything else is NOT_FOUND, like a
job that does not exist: a revoked grant takes the exports made through it out of sight,
links included (the download route asks the same question)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models import ExportJob, ExportStatus, PartnerApp
from permissions.levels import Level, allows
from permissions.viewer import Viewer
from resolvers.exports.links import signed_path
from resolvers.exports.storage import Exports
from resolvers.reach import Reach, load_reach

READ_USAGE = "usage:read"
LISTED = 50  # viewer.exports: the newest
COLUMNS = (
    "id",
    "number_id",
    "subscriber_id",
    "partner_app_id",
    "scopes",
    "format",
    "status",
    "usage_filter",
    "progress",
    "row_count",
    "storage_key",
    "size_bytes",
    "error_message",
    "created_at",
    "finished_at",
    "available_until",
)
Row = dict[str, Any]


def asked_by(viewer: Viewer, row: Row) -> bool:
    if viewer.subscriber_id is not None:
        return row["subscriber_id"] == viewer.subscriber_id
    return viewer.partner_app_id is not None and row["partner_app_id"] == viewer.partner_app_id


def may_read(viewer: Viewer, reach: Reach, row: Row) -> bool:
    level = reach.level(row["number_id"])
    return asked_by(viewer, row) and allows(viewer, level, Level.FULL, READ_USAGE)


def asker_of(row: Row) -> Viewer:
    """The viewer who asked, as they were: a partner app with the scopes its token had."""
    if row["subscriber_id"] is not None:
        return Viewer(subscriber_id=row["subscriber_id"])
    return Viewer(partner_app_id=row["partner_app_id"], scopes=frozenset(row["scopes"] or ()))


async def asker_still_reads(row: Row, now: datetime) -> bool:
    """The download route's question, without a signed-in viewer: may the viewer who asked
    for the export still read it now? A partner app disabled since (its tokens gone) no
    longer may, whatever links it was handed."""
    asker = asker_of(row)
    if asker.partner_app_id is not None and not await PartnerApp.exists(
        id=asker.partner_app_id, is_active=True
    ):
        return False
    return may_read(asker, await load_reach(asker, now), row)


async def viewer_exports(viewer: Viewer, reach: Reach) -> list[Row]:
    if viewer.is_anonymous:
        return []
    mine = (
        {"subscriber_id": viewer.subscriber_id}
        if viewer.subscriber_id is not None
        else {"partner_app_id": viewer.partner_app_id}
    )
    rows = await ExportJob.filter(**mine).order_by("-id").limit(LISTED).values(*COLUMNS)
    return [row for row in rows if may_read(viewer, reach, row)]


async def export_by_id(viewer: Viewer, reach: Reach, pk: int) -> Row | None:
    rows = await ExportJob.filter(id=pk).values(*COLUMNS)
    return rows[0] if rows and may_read(viewer, reach, rows[0]) else None


@dataclass(frozen=True)
class Link:
    path: str
    expires_at: datetime


def download_link(exports: Exports | None, secret_key: str, row: Row, now: datetime) -> Link | None:
    """A fresh signed link to a finished file still kept; it expires after EXPORT_LINK_TTL,
    or when the file is removed if that comes first."""
    if exports is None or row["status"] != ExportStatus.SUCCEEDED or not row["storage_key"]:
        return None
    available_until = row["available_until"]
    if available_until is not None and available_until <= now:
        return None
    # From the minute's start: every read within a minute gives the same link (a browser or
    # proxy may cache it), and expiresAt says exactly what the link carries.
    expires_at = now.replace(second=0, microsecond=0) + exports.link_ttl
    if available_until is not None:
        expires_at = min(expires_at, available_until.replace(microsecond=0))
    return Link(signed_path(secret_key, row["id"], expires_at), expires_at)
