"""Usage detail exports (CSV, XLSX, PDF) made by the background worker, and the monthly
detail by e-mail: who asked for it, for which number, and which months were sent."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class ExportFormat(StrEnum):
    CSV = "CSV"
    XLSX = "XLSX"
    PDF = "PDF"


class ExportStatus(StrEnum):
    QUEUED = "QUEUED"  # waiting for a worker (also after a failed attempt that may be retried)
    RUNNING = "RUNNING"  # a worker holds it until locked_until
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class ExportJob(Model):
    """One export of a number's usage detail, asked for by a subscriber or a partner app
    and made by the background worker. A worker claims it for a lease (locked_until), so a
    worker that dies leaves it to another once the lease runs out."""

    id = fields.IntField(primary_key=True)
    number = fields.ForeignKeyField(
        "kabinet.Number", related_name="export_jobs", on_delete=fields.CASCADE
    )
    # Who asked: the download checks that they still may see the number's usage.
    subscriber = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="export_jobs", null=True, on_delete=fields.CASCADE
    )
    partner_app = fields.ForeignKeyField(
        "kabinet.PartnerApp", related_name="export_jobs", null=True, on_delete=fields.CASCADE
    )
    # A partner app's token scopes when it asked (its access is re-checked with them).
    scopes = fields.JSONField(default=list)
    format = fields.CharEnumField(ExportFormat, max_length=8)
    status = fields.CharEnumField(ExportStatus, max_length=16, default=ExportStatus.QUEUED)
    # The usage filter as asked: from and to (ISO 8601, UTC) and the kinds.
    usage_filter = fields.JSONField(default=dict)
    progress = fields.IntField(default=0)  # percent of the records written
    row_count = fields.IntField(null=True)  # records in the file, once written
    attempts = fields.IntField(default=0)
    locked_until = fields.DatetimeField(null=True)
    # Where the finished file is in the export storage; null once it was removed.
    storage_key = fields.CharField(max_length=200, null=True)
    size_bytes = fields.BigIntField(null=True)
    error_message = fields.CharField(max_length=300, null=True)
    created_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    # When the file is removed (finished_at + EXPORT_RETENTION).
    available_until = fields.DatetimeField(null=True)

    class Meta:
        table = "export_jobs"
        indexes = (("status", "locked_until"), ("subscriber_id", "created_at"))


class MonthlyDetailEmail(Model):
    """A subscriber's wish to get a number's previous month of usage detail as a PDF by
    e-mail, at their confirmed contact e-mail as it is when sending (no address of its own:
    personal data goes only where the subscriber proved they read)"""

    id = fields.IntField(primary_key=True)
    subscriber = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="monthly_detail_emails", on_delete=fields.CASCADE
    )
    number = fields.ForeignKeyField(
        "kabinet.Number", related_name="monthly_detail_emails", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "monthly_detail_emails"
        unique_together = (("subscriber", "number"),)


class MonthlyDetailSend(Model):
    """One month's detail of one number for one subscriber: claimed by the worker that sends
    it (the unique key makes a second claim fail), then marked sent"""

    id = fields.IntField(primary_key=True)
    subscriber = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="monthly_detail_sends", on_delete=fields.CASCADE
    )
    number = fields.ForeignKeyField(
        "kabinet.Number", related_name="monthly_detail_sends", on_delete=fields.CASCADE
    )
    month = fields.CharField(max_length=7)  # "2026-11"
    # A claim whose worker died is taken over once this has passed; null once sent.
    locked_until = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    # Why it was not sent (access ended, the mail server refused), for the operator.
    outcome = fields.CharField(max_length=300, null=True)

    class Meta:
        table = "monthly_detail_sends"
        unique_together = (("number", "subscriber", "month"),)
