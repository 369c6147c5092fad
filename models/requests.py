from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class RequestKind(StrEnum):
    TARIFF_CHANGE = "TARIFF_CHANGE"
    SERVICE_CONNECT = "SERVICE_CONNECT"
    SERVICE_DISCONNECT = "SERVICE_DISCONNECT"
    BLOCK = "BLOCK"
    UNBLOCK = "UNBLOCK"
    TOPUP = "TOPUP"
    TRUST_PAYMENT = "TRUST_PAYMENT"
    AUTOPAY = "AUTOPAY"
    USAGE_EXPORT = "USAGE_EXPORT"


class RequestStatus(StrEnum):
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class ServiceRequest(Model):
    """A request (заявка): the user-visible record of an operation on a number and its status."""

    id = fields.IntField(primary_key=True)
    number = fields.ForeignKeyField(
        "kabinet.Number", related_name="service_requests", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(RequestKind, max_length=24)
    status = fields.CharEnumField(RequestStatus, max_length=16, default=RequestStatus.PENDING)
    payload = fields.JSONField(default=dict)
    created_by = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="service_requests", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "service_requests"
        indexes = (("number_id", "created_at"),)
