from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class UsageKind(StrEnum):
    CALL = "CALL"
    SMS = "SMS"
    DATA = "DATA"
    TV = "TV"  # a TV package's charge on a home contract (the package's name as counterpart)


class UsageDirection(StrEnum):
    IN = "IN"
    OUT = "OUT"


class UsageRecord(Model):
    """One rated call, SMS or data session, as the network reports it."""

    id = fields.BigIntField(primary_key=True)
    # The network's record id; a record seen before is ignored on import.
    external_id = fields.CharField(max_length=64, unique=True)
    number = fields.ForeignKeyField(
        "kabinet.Number", related_name="usage_records", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(UsageKind, max_length=8)
    direction = fields.CharEnumField(UsageDirection, max_length=4)
    counterpart = fields.CharField(max_length=64, default="")
    started_at = fields.DatetimeField()
    duration_seconds = fields.IntField(null=True)
    bytes = fields.BigIntField(null=True)
    cost = fields.BigIntField(default=0)  # minor units
    currency = fields.CharField(max_length=3, default="RUB")
    roaming_zone = fields.CharField(max_length=32, null=True)

    class Meta:
        table = "usage_records"
        # Serves the detail's order (newest first, equal times by id) as one range scan,
        # and, by its prefix, the usage of a window of time.
        indexes = (("number_id", "started_at", "id"),)
