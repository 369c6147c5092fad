"""The sandbox payment provider's own records (gateway/payments.py). A real acquirer keeps
its charges on its side and answers for them after our restart; the sandbox, being ours,
keeps them in our database so that it behaves the same: a charge is found again by its
idempotency key whichever process or restart asks."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class SandboxCharge(Model):
    """A charge the sandbox provider made, by the idempotency key it was asked with"""

    id = fields.IntField(primary_key=True)
    idempotency_key = fields.CharField(max_length=200, unique=True)
    succeeded = fields.BooleanField()
    reference = fields.CharField(max_length=64, null=True)
    failure_code = fields.CharField(max_length=64, null=True)
    amount = fields.BigIntField()  # minor units
    currency = fields.CharField(max_length=3)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "sandbox_charges"
