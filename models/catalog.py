from tortoise import fields
from tortoise.models import Model


class Tariff(Model):
    """A tariff plan. Bundles are per month, null means unlimited."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    monthly_fee = fields.BigIntField()  # minor units
    currency = fields.CharField(max_length=3, default="RUB")
    minutes = fields.IntField(null=True)
    sms = fields.IntField(null=True)
    data_mb = fields.IntField(null=True)
    tags = fields.JSONField(default=list)
    is_archived = fields.BooleanField(default=False)
    sort_order = fields.IntField(default=0)

    class Meta:
        table = "tariffs"
        ordering = ("sort_order", "id")


class Service(Model):
    """An add-on service that can be connected to a number."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    category = fields.CharField(max_length=32)
    monthly_fee = fields.BigIntField()  # minor units
    connection_fee = fields.BigIntField(default=0)  # minor units
    currency = fields.CharField(max_length=3, default="RUB")
    is_archived = fields.BooleanField(default=False)

    class Meta:
        table = "services"
        ordering = ("category", "id")


class NumberService(Model):
    """A service connected to a number."""

    id = fields.IntField(primary_key=True)
    number = fields.ForeignKeyField(
        "kabinet.Number", related_name="services", on_delete=fields.CASCADE
    )
    service = fields.ForeignKeyField(
        "kabinet.Service", related_name="connections", on_delete=fields.RESTRICT
    )
    connected_at = fields.DatetimeField()

    class Meta:
        table = "number_services"
        unique_together = (("number_id", "service_id"),)
