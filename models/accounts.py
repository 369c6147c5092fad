from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Account(Model):
    """A billing account. Accounts form a tree: owning one means owning everything below it."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    owner = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="accounts_owned", on_delete=fields.RESTRICT
    )
    parent = fields.ForeignKeyField(
        "kabinet.Account", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "accounts"
        indexes = (("owner_id",), ("parent_id",))


class NumberStatus(StrEnum):
    ACTIVE = "ACTIVE"
    BLOCKED = "BLOCKED"  # blocked by the subscriber (lost phone, voluntary)
    SUSPENDED = "SUSPENDED"  # blocked by the operator (debt, fraud)
    CLOSED = "CLOSED"


class BlockReason(StrEnum):
    VOLUNTARY = "VOLUNTARY"  # the subscriber's pause: at most 90 days, lifted by the worker
    LOST = "LOST"  # a lost or stolen SIM: holds until someone unblocks it


class LineKind(StrEnum):
    MOBILE = "MOBILE"  # a phone number: msisdn set
    HOME = "HOME"  # a home internet and/or TV contract: msisdn null, its home_contracts row


class Number(Model):
    """A line (a phone number or a home contract): one balance, one tariff, services, usage."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(LineKind, max_length=8, default=LineKind.MOBILE)
    # Null for a home contract (named by its contract number instead).
    msisdn = fields.CharField(max_length=16, unique=True, null=True)
    label = fields.CharField(max_length=100, default="")
    account = fields.ForeignKeyField(
        "kabinet.Account", related_name="numbers", on_delete=fields.RESTRICT
    )
    # The person using the line day to day (a child); may differ from the account's owner.
    user = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="numbers_used", null=True, on_delete=fields.SET_NULL
    )
    tariff = fields.ForeignKeyField(
        "kabinet.Tariff", related_name="numbers", on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(NumberStatus, max_length=16, default=NumberStatus.ACTIVE)
    # The block in force while status is BLOCKED (null otherwise). block_operation_id is the
    # BLOCK operation that set it: lifting it is guarded by it, so a block set again after
    # an unblock is never lifted by a stale claim.
    block_reason = fields.CharEnumField(BlockReason, max_length=16, null=True)
    blocked_at = fields.DatetimeField(null=True)
    blocked_until = fields.DatetimeField(null=True)
    block_operation_id = fields.BigIntField(null=True)
    # The owner's switch for this number: False forbids access requests to it.
    accepts_access_requests = fields.BooleanField(default=True)
    activated_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "numbers"
        indexes = (("account_id",), ("user_id",), ("status", "blocked_until"))


class HomeContract(Model):
    """A home internet and/or TV contract (договор): what a HOME line adds to its row."""

    id = fields.IntField(primary_key=True)
    line = fields.OneToOneField(
        "kabinet.Number", related_name="home_contract", on_delete=fields.CASCADE
    )
    contract_number = fields.CharField(max_length=20, unique=True)  # digits only
    login = fields.CharField(max_length=64)  # as issued, shown back as is
    # The login in lower case: sign-in finds the contract by it, whatever the case typed.
    login_key = fields.CharField(max_length=64, unique=True)
    # argon2id, null until a password is set (the contract cannot be signed in to without).
    password_hash = fields.CharField(max_length=255, null=True)
    address = fields.CharField(max_length=300)
    internet = fields.BooleanField(default=True)
    tv = fields.BooleanField(default=False)
    connected_at = fields.DatetimeField()

    class Meta:
        table = "home_contracts"
