from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class AccessLevel(StrEnum):
    """Levels a grant can carry. OWNER and NONE are derived, never stored."""

    FULL = "FULL"
    TOPUP = "TOPUP"


class GrantSource(StrEnum):
    DIRECT = "DIRECT"  # the owner granted it
    LINK = "LINK"  # the number's holder confirmed an SMS code (linkNumber)
    REQUEST = "REQUEST"  # the owner approved an access request


class AccessGrant(Model):
    """Delegated access to one number, to a subscriber or a partner app, until an expiry."""

    id = fields.IntField(primary_key=True)
    number = fields.ForeignKeyField(
        "kabinet.Number", related_name="grants", on_delete=fields.CASCADE
    )
    granted_by = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="grants_given", on_delete=fields.RESTRICT
    )
    grantee_subscriber = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="grants_received", null=True, on_delete=fields.CASCADE
    )
    grantee_partner = fields.ForeignKeyField(
        "kabinet.PartnerApp", related_name="grants_received", null=True, on_delete=fields.CASCADE
    )
    level = fields.CharEnumField(AccessLevel, max_length=8)
    expires_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    topup_monthly_limit = fields.BigIntField(null=True)  # minor units; TOPUP grants only
    source = fields.CharEnumField(GrantSource, max_length=8, default=GrantSource.DIRECT)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "access_grants"
        indexes = (("number_id",), ("grantee_subscriber_id",), ("grantee_partner_id",))


class AccessRequestStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    DENIED = "DENIED"
    WITHDRAWN = "WITHDRAWN"
    EXPIRED = "EXPIRED"


class AccessRequest(Model):
    """Someone asks a number's owner for a grant.

    `number` is null when the asked-for MSISDN does not exist or may not be asked about:
    the requester sees the same answer either way, and no owner is told.
    """

    id = fields.IntField(primary_key=True)
    msisdn = fields.CharField(max_length=16)
    number = fields.ForeignKeyField(
        "kabinet.Number", related_name="access_requests", null=True, on_delete=fields.CASCADE
    )
    requester = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="access_requests_made", on_delete=fields.CASCADE
    )
    level = fields.CharEnumField(AccessLevel, max_length=8)
    message = fields.CharField(max_length=500, default="")
    status = fields.CharEnumField(
        AccessRequestStatus, max_length=16, default=AccessRequestStatus.PENDING
    )
    expires_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)
    grant = fields.ForeignKeyField(
        "kabinet.AccessGrant", related_name="from_requests", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "access_requests"
        indexes = (("number_id", "status"), ("requester_id", "created_at"))


class AccessRequestBlock(Model):
    """An owner refuses any further access request from one requester."""

    id = fields.IntField(primary_key=True)
    owner = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="blocked_requesters", on_delete=fields.CASCADE
    )
    requester = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="blocked_by_owners", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "access_request_blocks"
        unique_together = (("owner_id", "requester_id"),)
