from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class PaymentStatus(StrEnum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class Payment(Model):
    """A top-up attempt through a payment provider. The balance is credited once, by the
    ledger entry written when the payment succeeds."""

    id = fields.IntField(primary_key=True)
    number = fields.ForeignKeyField(
        "kabinet.Number", related_name="payments", on_delete=fields.RESTRICT
    )
    amount = fields.BigIntField()  # minor units
    currency = fields.CharField(max_length=3, default="RUB")
    status = fields.CharEnumField(PaymentStatus, max_length=16, default=PaymentStatus.PENDING)
    # Who pays: a subscriber (possibly through a grant) or a partner app.
    payer_subscriber = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="payments", null=True, on_delete=fields.SET_NULL
    )
    payer_partner = fields.ForeignKeyField(
        "kabinet.PartnerApp", related_name="payments", null=True, on_delete=fields.SET_NULL
    )
    grant = fields.ForeignKeyField(
        "kabinet.AccessGrant", related_name="payments", null=True, on_delete=fields.SET_NULL
    )
    card = fields.ForeignKeyField(
        "kabinet.PaymentCard", related_name="payments", null=True, on_delete=fields.SET_NULL
    )
    provider = fields.CharField(max_length=32)
    provider_reference = fields.CharField(max_length=128, null=True)
    failure_code = fields.CharField(max_length=64, null=True)
    # Scoped to the payer: "<payer>:<client key>". A replay with the same input gets the
    # first answer; with another input, CONFLICT (request_hash differs).
    idempotency_key = fields.CharField(max_length=200, unique=True)
    request_hash = fields.CharField(max_length=64)
    ledger_entry = fields.ForeignKeyField(
        "kabinet.LedgerEntry", related_name="payments", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "payments"
        indexes = (
            ("number_id", "created_at"),
            ("payer_subscriber_id", "created_at"),
            ("payer_partner_id", "created_at"),
            ("grant_id", "created_at"),
        )


class PaymentCard(Model):
    """A saved card: only what a person needs to recognise it, and the provider's token."""

    id = fields.IntField(primary_key=True)
    subscriber = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="payment_cards", on_delete=fields.CASCADE
    )
    brand = fields.CharField(max_length=32)
    last4 = fields.CharField(max_length=4)
    exp_month = fields.IntField()
    exp_year = fields.IntField()
    provider = fields.CharField(max_length=32)
    provider_token = fields.CharField(max_length=128)
    created_at = fields.DatetimeField()
    removed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payment_cards"
        indexes = (("subscriber_id", "removed_at"),)
