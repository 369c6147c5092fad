from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class CodePurpose(StrEnum):
    SIGN_IN = "SIGN_IN"
    LINK_NUMBER = "LINK_NUMBER"
    LINK_CONTRACT = "LINK_CONTRACT"  # keyed by the contract number, sent to its holder


class OneTimeCode(Model):
    """A 6-digit code sent by SMS, kept only as a keyed hash.

    Written for unknown phones too (never sent), so asking costs the same either way.
    """

    id = fields.IntField(primary_key=True)
    phone = fields.CharField(max_length=16)
    purpose = fields.CharEnumField(CodePurpose, max_length=16)
    # Who asked, for codes that prove consent to someone else (linking a number).
    requested_by = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="codes_requested", null=True, on_delete=fields.CASCADE
    )
    code_hash = fields.CharField(max_length=64)
    attempts = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    consumed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "one_time_codes"
        indexes = (("phone", "purpose", "created_at"),)


class SignInMethod(StrEnum):
    CODE = "CODE"
    PASSWORD = "PASSWORD"  # noqa: S105 (a sign-in method, not a secret)
    CONTRACT = "CONTRACT"  # a home contract's login and password: the session reaches it only


class Session(Model):
    """One signed-in device. Revoking it kills its access and refresh tokens at once."""

    id = fields.IntField(primary_key=True)
    subscriber = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="sessions", on_delete=fields.CASCADE
    )
    method = fields.CharEnumField(SignInMethod, max_length=16)
    user_agent = fields.CharField(max_length=256, default="")
    ip = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()  # the refresh horizon: 30 days after the last rotation
    revoked_at = fields.DatetimeField(null=True)
    revoke_reason = fields.CharField(max_length=64, null=True)
    # Signed in with a home contract's login (method CONTRACT): the session belongs to the
    # contract's holder but reaches this one line only.
    line = fields.ForeignKeyField(
        "kabinet.Number", related_name="contract_sessions", null=True, on_delete=fields.CASCADE
    )

    class Meta:
        table = "sessions"
        indexes = (("subscriber_id", "revoked_at"),)


class AccessToken(Model):
    """A short-lived bearer token: a subscriber's (via a session) or a partner app's."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    session = fields.ForeignKeyField(
        "kabinet.Session", related_name="access_tokens", null=True, on_delete=fields.CASCADE
    )
    partner_app = fields.ForeignKeyField(
        "kabinet.PartnerApp", related_name="access_tokens", null=True, on_delete=fields.CASCADE
    )
    scopes = fields.JSONField(default=list)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()

    class Meta:
        table = "access_tokens"
        indexes = (("session_id",), ("partner_app_id",), ("expires_at",))


class RefreshToken(Model):
    """Single use: rotating returns a new one, and presenting a used one revokes the session."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    session = fields.ForeignKeyField(
        "kabinet.Session", related_name="refresh_tokens", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "refresh_tokens"
        indexes = (("session_id",),)


class RateCounter(Model):
    """A counter with an expiry, shared by every gateway process through the database
    (used for rate limits and lock-outs when Redis is not configured)."""

    key = fields.CharField(max_length=160, primary_key=True)
    count = fields.IntField()
    # Unix time in milliseconds: compared in SQL, identically on SQLite and PostgreSQL.
    expires_at_ms = fields.BigIntField()

    class Meta:
        table = "rate_counters"


class AuditEvent(Model):
    """A security event. Never holds a code, a password or a token."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField()
    event = fields.CharField(max_length=48)
    outcome = fields.CharField(max_length=32)
    phone = fields.CharField(max_length=16, null=True)
    subscriber = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="audit_events", null=True, on_delete=fields.SET_NULL
    )
    partner_client_id = fields.CharField(max_length=64, null=True)
    ip = fields.CharField(max_length=64, default="")
    detail = fields.CharField(max_length=200, default="")

    class Meta:
        table = "audit_events"
        indexes = (("phone", "at"), ("subscriber_id", "at"), ("event", "at"))
