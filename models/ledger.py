from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class LedgerKind(StrEnum):
    TOPUP = "TOPUP"
    CHARGE = "CHARGE"
    FEE = "FEE"
    TRUST_CREDIT = "TRUST_CREDIT"
    TRUST_REPAYMENT = "TRUST_REPAYMENT"
    REFUND = "REFUND"
    ADJUSTMENT = "ADJUSTMENT"


class Balance(Model):
    """A number's balance, kept in the same transaction as its ledger entries.

    A row of its own (not a column on numbers) so money writes lock only this row.
    """

    number = fields.OneToOneField(
        "kabinet.Number", related_name="balance", primary_key=True, on_delete=fields.CASCADE
    )
    amount = fields.BigIntField(default=0)  # minor units; may go negative
    currency = fields.CharField(max_length=3, default="RUB")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "balances"


class LedgerEntry(Model):
    """An append-only money movement: a number's balance is the sum of its entries."""

    id = fields.BigIntField(primary_key=True)
    number = fields.ForeignKeyField(
        "kabinet.Number", related_name="ledger_entries", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(LedgerKind, max_length=16)
    amount = fields.BigIntField()  # minor units, signed: credits > 0, debits < 0
    currency = fields.CharField(max_length=3, default="RUB")
    balance_after = fields.BigIntField()
    # Client-sent or derived (e.g. "usage:<record id>"); a replay finds the first entry.
    idempotency_key = fields.CharField(max_length=128, unique=True)
    actor_subscriber = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="ledger_entries", null=True, on_delete=fields.SET_NULL
    )
    actor_partner = fields.ForeignKeyField(
        "kabinet.PartnerApp", related_name="ledger_entries", null=True, on_delete=fields.SET_NULL
    )
    grant = fields.ForeignKeyField(
        "kabinet.AccessGrant", related_name="ledger_entries", null=True, on_delete=fields.SET_NULL
    )
    reason = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ledger_entries"
        indexes = (
            ("number_id", "created_at"),
            # A number's page, newest first (resolvers/pages.py reads it per number).
            ("number_id", "id"),
        )
