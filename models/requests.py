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


class TicketStatus(StrEnum):
    OPEN = "OPEN"
    ANSWERED = "ANSWERED"
    CLOSED = "CLOSED"


class SupportTicket(Model):
    """A support ticket opened by a subscriber, optionally about one number."""

    id = fields.IntField(primary_key=True)
    subscriber = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="support_tickets", on_delete=fields.CASCADE
    )
    number = fields.ForeignKeyField(
        "kabinet.Number", related_name="support_tickets", null=True, on_delete=fields.SET_NULL
    )
    subject = fields.CharField(max_length=200)
    body = fields.TextField()
    status = fields.CharEnumField(TicketStatus, max_length=16, default=TicketStatus.OPEN)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "support_tickets"
        indexes = (("subscriber_id", "created_at"),)
