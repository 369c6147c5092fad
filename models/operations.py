from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class OperationKind(StrEnum):
    TARIFF_CHANGE = "TARIFF_CHANGE"
    SERVICE_CONNECT = "SERVICE_CONNECT"
    SERVICE_DISCONNECT = "SERVICE_DISCONNECT"
    BLOCK = "BLOCK"
    UNBLOCK = "UNBLOCK"
    TOPUP = "TOPUP"
    TRUST_PAYMENT = "TRUST_PAYMENT"
    AUTOPAY = "AUTOPAY"
    GRANT = "GRANT"
    GRANT_REVOKE = "GRANT_REVOKE"
    ROAMING = "ROAMING"
    CALL_FORWARDING = "CALL_FORWARDING"
    LIMITS = "LIMITS"
    ACCESS_REQUEST = "ACCESS_REQUEST"  # someone asked the owner for access
    ACCESS_REQUEST_APPROVE = "ACCESS_REQUEST_APPROVE"  # the owner approved: a grant given
    ACCESS_REQUEST_DENY = "ACCESS_REQUEST_DENY"  # the owner denied (and maybe blocked the asker)
    ACCESS_REQUEST_WITHDRAW = "ACCESS_REQUEST_WITHDRAW"  # the asker took it back
    ACCESS_REQUESTS_FORBID = "ACCESS_REQUESTS_FORBID"  # the owner closed the number to requests
    ACCESS_REQUESTS_ALLOW = "ACCESS_REQUESTS_ALLOW"  # and opened it again


class OperationStatus(StrEnum):
    CREATED = "CREATED"  # accepted, not done yet (e.g. a change at the next period)
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class ActorRole(StrEnum):
    """On whose behalf the actor acted, as decided when the operation was accepted."""

    NUMBER_USER = "NUMBER_USER"
    OWNER = "OWNER"
    DELEGATE = "DELEGATE"  # a subscriber with a grant
    PARTNER_APP = "PARTNER_APP"  # through its grant
    SYSTEM = "SYSTEM"  # the worker: autopay, scheduled switches (for the subscriber it names)
    # A person at the operator's support desk (the command line): accountable, unlike the
    # worker, so a subscriber asking "who blocked my number?" gets a different answer.
    OPERATOR = "OPERATOR"
    REQUESTER = "REQUESTER"  # someone with no access yet, asking the owner for it


class Operation(Model):
    """One operation on a number (tariff change, service, block, top-up, trust payment,
    grant...): what, its status and times, and who did it on whose behalf. The request
    history is a read of these rows."""

    id = fields.BigIntField(primary_key=True)
    number = fields.ForeignKeyField(
        "kabinet.Number", related_name="operations", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(OperationKind, max_length=24)
    status = fields.CharEnumField(OperationStatus, max_length=16)
    # The kind's own details (tariff ids, service id, what was dropped with it...).
    details = fields.JSONField(default=dict)
    # Why a FAILED operation failed, in words a person can act on.
    failure_reason = fields.CharField(max_length=300, null=True)
    actor_role = fields.CharEnumField(ActorRole, max_length=16)
    actor_subscriber = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="operations", null=True, on_delete=fields.SET_NULL
    )
    actor_partner = fields.ForeignKeyField(
        "kabinet.PartnerApp", related_name="operations", null=True, on_delete=fields.SET_NULL
    )
    grant = fields.ForeignKeyField(
        "kabinet.AccessGrant", related_name="operations", null=True, on_delete=fields.SET_NULL
    )
    ledger_entry = fields.ForeignKeyField(
        "kabinet.LedgerEntry", related_name="operations", null=True, on_delete=fields.SET_NULL
    )
    # A top-up or autopay run: the payment it settles with (CREATED until it does).
    payment = fields.ForeignKeyField(
        "kabinet.Payment",
        related_name="operations",
        null=True,
        unique=True,
        on_delete=fields.SET_NULL,
    )
    # The client's key scoped to the actor; a replay finds the first operation.
    idempotency_key = fields.CharField(max_length=160, null=True, unique=True)
    # A digest of the input that key came with: the same key with another input is refused.
    request_hash = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField()
    # When a CREATED operation is due (a tariff change at the next period).
    scheduled_for = fields.DatetimeField(null=True)
    # When it reached its final status.
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "operations"
        indexes = (("number_id", "created_at"), ("status", "scheduled_for"))
