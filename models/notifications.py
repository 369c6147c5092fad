from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class NotificationTopic(StrEnum):
    """What a notification tells about: the subscriber picks channels per topic."""

    CHARGES = "CHARGES"  # fees and usage charges
    TOPUPS = "TOPUPS"
    LOW_BALANCE = "LOW_BALANCE"  # a debit took the balance below the subscriber's threshold
    ACCESS = "ACCESS"  # grants given or revoked, access requests and their answers
    TICKETS = "TICKETS"  # answers to support tickets
    BLOCKS = "BLOCKS"
    LIMITS = "LIMITS"  # parental limits reached


class NotificationChannel(StrEnum):
    SMS = "SMS"
    EMAIL = "EMAIL"


class NotificationStatus(StrEnum):
    PENDING = "PENDING"  # waiting for delivery (or for a retry)
    SENT = "SENT"
    FAILED = "FAILED"  # given up on after the last attempt, the error kept


class Notification(Model):
    """The outbox: one message to one address by one channel, written in the transaction of
    what it tells about and delivered by the worker after the commit.

    A worker claims a row by pushing next_attempt_at forward by the lease, so a worker that
    dies mid-delivery leaves the row to be claimed again once the lease is over."""

    id = fields.BigIntField(primary_key=True)
    subscriber = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="notifications", on_delete=fields.CASCADE
    )
    number = fields.ForeignKeyField(
        "kabinet.Number", related_name="notifications", null=True, on_delete=fields.SET_NULL
    )
    # Null for what is sent whatever the preferences (an e-mail confirmation code, an SMS a
    # subscriber sends from the cabinet).
    topic = fields.CharEnumField(NotificationTopic, max_length=16, null=True)
    channel = fields.CharEnumField(NotificationChannel, max_length=8)
    # The phone or e-mail address as it was when the message was written.
    address = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=200)
    text = fields.TextField()
    status = fields.CharEnumField(
        NotificationStatus, max_length=8, default=NotificationStatus.PENDING
    )
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    # What the last failed attempt said (never the message text).
    last_error = fields.CharField(max_length=300, null=True)
    created_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notifications"
        indexes = (("status", "next_attempt_at"), ("subscriber_id", "created_at"))


class NotificationPreference(Model):
    """The channels a subscriber chose for one topic. No row: the topic's defaults."""

    id = fields.IntField(primary_key=True)
    subscriber = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="notification_preferences", on_delete=fields.CASCADE
    )
    topic = fields.CharEnumField(NotificationTopic, max_length=16)
    sms = fields.BooleanField()
    email = fields.BooleanField()

    class Meta:
        table = "notification_preferences"
        unique_together = (("subscriber_id", "topic"),)


class LowBalanceThreshold(Model):
    """Below this balance a debit on the number notifies the subscriber (minor units)."""

    id = fields.IntField(primary_key=True)
    subscriber = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="low_balance_thresholds", on_delete=fields.CASCADE
    )
    number = fields.ForeignKeyField(
        "kabinet.Number", related_name="low_balance_thresholds", on_delete=fields.CASCADE
    )
    amount = fields.BigIntField()

    class Meta:
        table = "low_balance_thresholds"
        unique_together = (("subscriber_id", "number_id"),)
        indexes = (("number_id",),)


class EmailConfirmation(Model):
    """A code sent to an address the subscriber wants as their contact e-mail: kept only as
    a keyed hash, a few tries, a short life. The address is used once a code is confirmed."""

    id = fields.IntField(primary_key=True)
    subscriber = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="email_confirmations", on_delete=fields.CASCADE
    )
    email = fields.CharField(max_length=254)
    code_hash = fields.CharField(max_length=64)
    attempts = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    consumed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "email_confirmations"
        indexes = (("subscriber_id", "created_at"),)
