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
            # A number's page, newest first (resolvers/pages.py reads it per number).
            ("number_id", "id"),
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


class TrustStatus(StrEnum):
    ACTIVE = "ACTIVE"
    REPAID = "REPAID"
    # OVERDUE is not stored: an ACTIVE trust payment past its due date is shown as OVERDUE.


class TrustPayment(Model):
    """Credit taken on trust (доверительный платёж), repaid first by the next top-ups."""

    id = fields.IntField(primary_key=True)
    number = fields.ForeignKeyField(
        "kabinet.Number", related_name="trust_payments", on_delete=fields.RESTRICT
    )
    amount = fields.BigIntField()  # credited, minor units
    fee = fields.BigIntField()  # charged with it
    outstanding = fields.BigIntField()  # of the credit, still to repay (the fee is charged at once)
    currency = fields.CharField(max_length=3, default="RUB")
    status = fields.CharEnumField(TrustStatus, max_length=8, default=TrustStatus.ACTIVE)
    taken_by = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="trust_payments", null=True, on_delete=fields.SET_NULL
    )
    taken_at = fields.DatetimeField()
    due_at = fields.DatetimeField()
    repaid_at = fields.DatetimeField(null=True)

    class Meta:
        table = "trust_payments"
        indexes = (("number_id", "status"),)


class AutopayKind(StrEnum):
    THRESHOLD = "THRESHOLD"  # when the balance drops below X, top up Y
    MONTHLY = "MONTHLY"  # top up Y on day D of every month


class AutopayRule(Model):
    """One autopay rule per number. It pays from a saved card of the rule's owner."""

    id = fields.IntField(primary_key=True)
    number = fields.OneToOneField(
        "kabinet.Number", related_name="autopay", on_delete=fields.CASCADE
    )
    subscriber = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="autopay_rules", on_delete=fields.CASCADE
    )
    card = fields.ForeignKeyField(
        "kabinet.PaymentCard", related_name="autopay_rules", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(AutopayKind, max_length=16)
    amount = fields.BigIntField()  # Y, minor units
    threshold = fields.BigIntField(null=True)  # X, THRESHOLD rules
    day_of_month = fields.IntField(null=True)  # D (1-28), MONTHLY rules
    monthly_cap = fields.BigIntField(null=True)  # the most autopay may pay per month
    # THRESHOLD: fired once below X; armed again only once the balance is back >= X.
    armed = fields.BooleanField(default=True)
    last_run_month = fields.CharField(max_length=7, null=True)  # MONTHLY: "2026-11"
    created_at = fields.DatetimeField()

    class Meta:
        table = "autopay_rules"


class AutopayRun(Model):
    """A record of every autopay attempt, successful or not."""

    id = fields.IntField(primary_key=True)
    rule = fields.ForeignKeyField(
        "kabinet.AutopayRule", related_name="runs", on_delete=fields.CASCADE
    )
    number = fields.ForeignKeyField(
        "kabinet.Number", related_name="autopay_runs", on_delete=fields.CASCADE
    )
    payment = fields.ForeignKeyField(
        "kabinet.Payment", related_name="autopay_runs", null=True, on_delete=fields.SET_NULL
    )
    outcome = fields.CharField(max_length=32)  # SUCCEEDED, FAILED, CAP_REACHED
    detail = fields.CharField(max_length=200, default="")
    at = fields.DatetimeField()

    class Meta:
        table = "autopay_runs"
        indexes = (("number_id", "at"),)
