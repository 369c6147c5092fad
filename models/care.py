"""A number's care settings beyond its tariff: roaming, call forwarding, and the limits an
owner sets on a number someone else uses (a child's)."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class ForwardingCondition(StrEnum):
    ALWAYS = "ALWAYS"
    BUSY = "BUSY"
    NO_ANSWER = "NO_ANSWER"
    UNREACHABLE = "UNREACHABLE"


class NumberSettings(Model):
    """Roaming and call forwarding of one number. No row: roaming off, no forwarding."""

    id = fields.IntField(primary_key=True)
    number = fields.OneToOneField(
        "kabinet.Number", related_name="settings", on_delete=fields.CASCADE
    )
    roaming_enabled = fields.BooleanField(default=False)
    # [{"condition": "NO_ANSWER", "to": "+7...", "delay_seconds": 20}, ...], one per condition
    call_forwarding = fields.JSONField(default=list)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "number_settings"


class NumberLimits(Model):
    """What the owner lets the number's user (a child) do. No row: no limits.

    Owners up the tree and delegates are not held by them."""

    id = fields.IntField(primary_key=True)
    number = fields.OneToOneField("kabinet.Number", related_name="limits", on_delete=fields.CASCADE)
    # Minor units of debits a calendar month (UTC) the user's own operations may bring the
    # number to, null for no cap.
    monthly_spend_cap = fields.BigIntField(null=True)
    forbidden_service_categories = fields.JSONField(default=list)
    user_may_change_tariff = fields.BooleanField(default=True)
    user_may_connect_services = fields.BooleanField(default=True)
    set_by = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="limits_set", null=True, on_delete=fields.SET_NULL
    )
    updated_at = fields.DatetimeField()

    class Meta:
        table = "number_limits"
