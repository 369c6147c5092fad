"""Usage detail exports in the API: the job a client polls (viewer.exports, node) until it
has a download link."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

import models.exports as stored
from resolvers.context import RequestContext
from resolvers.exports.reading import Link, Row, download_link
from resolvers.exports.writers import CONTENT_TYPES
from resolvers.reach import NumberRow, Reach
from schema.types.enums import mirror_enum

ExportFormat = mirror_enum(stored.ExportFormat, "CSV (UTF-8, `;`), XLSX (Excel) or PDF.")
ExportStatus = mirror_enum(
    stored.ExportStatus,
    "QUEUED: waiting for the worker (also between attempts); RUNNING: being written; "
    "SUCCEEDED: ready to download; FAILED: given up, see errorMessage.",
)


@strawberry.type(
    description="An export of a line's usage detail (a phone number's or a home contract's), "
    "made in the background."
)
class ExportJob(relay.Node):
    pk: relay.NodeID[int]
    msisdn: str | None = strawberry.field(
        description="The number whose detail this is; null for a home contract."
    )
    contract_number: str | None = strawberry.field(
        description="The home contract whose detail this is; null for a phone number."
    )
    status: ExportStatus  # type: ignore[valid-type]
    format: ExportFormat  # type: ignore[valid-type]
    progress: int = strawberry.field(description="Percent of the records written, 0 to 100.")
    row_count: int | None = strawberry.field(description="Records in the file, once written.")
    content_type: str
    url: str | None = strawberry.field(
        description="Download link (a path on this server), signed and short-lived: open it "
        "without a token. Each read of the job gives a fresh one while the file is kept."
    )
    expires_at: datetime | None = strawberry.field(description="When `url` stops working.")
    available_until: datetime | None = strawberry.field(
        description="When the file is removed (EXPORT_RETENTION after it was made)."
    )
    error_message: str | None = strawberry.field(
        description="Why the last attempt failed, in words a person can act on."
    )
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def from_row(cls, row: Row, line: NumberRow, link: Link | None) -> ExportJob:
        format = stored.ExportFormat(row["format"])
        return cls(
            pk=row["id"],
            msisdn=line.msisdn,
            contract_number=line.contract_number,
            status=ExportStatus(str(row["status"])),
            format=ExportFormat(format.value),
            progress=row["progress"],
            row_count=row["row_count"],
            content_type=CONTENT_TYPES[format],
            url=link.path if link else None,
            expires_at=link.expires_at if link else None,
            available_until=row["available_until"] if row["storage_key"] else None,
            error_message=row["error_message"],
            created_at=row["created_at"],
            finished_at=row["finished_at"],
        )


def export_view(context: RequestContext, reach: Reach, row: Row) -> ExportJob:
    """The job as this viewer sees it, with a fresh link when its file is ready."""
    services = context.services
    link = download_link(services.exports, services.secret_key, row, services.clock())
    return ExportJob.from_row(row, reach.numbers[row["number_id"]], link)
