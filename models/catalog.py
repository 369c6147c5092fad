from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class CatalogSegment(StrEnum):
    """Which kind of line a tariff or service is for: a line takes only its own segment's."""

    MOBILE = "MOBILE"
    HOME = "HOME"


# The category of a home contract's TV packages (segment HOME): only on a contract with TV.
TV_PACKAGE = "TV_PACKAGE"


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
    # Archived: stays on the numbers that have it, but cannot be chosen.
    is_archived = fields.BooleanField(default=False)
    sort_order = fields.IntField(default=0)
    # What usage beyond the bundle costs, in minor units per minute, message and megabyte.
    minute_price = fields.BigIntField(default=0)
    sms_price = fields.BigIntField(default=0)
    mb_price = fields.BigIntField(default=0)
    segment = fields.CharEnumField(CatalogSegment, max_length=8, default=CatalogSegment.MOBILE)
    # Home tariffs: the internet speed and the TV channels included (null: none).
    speed_mbps = fields.IntField(null=True)
    tv_channels = fields.IntField(null=True)

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
    # Extra bundle a month on top of the tariff's, 0 when the service adds none.
    minutes = fields.IntField(default=0)
    sms = fields.IntField(default=0)
    data_mb = fields.IntField(default=0)
    # Usable, and connectable, while the balance is at or below zero.
    available_at_zero_balance = fields.BooleanField(default=False)
    # False: fits only the tariffs listed in service_tariffs.
    fits_every_tariff = fields.BooleanField(default=True)
    # HOME: for home contracts (TV packages have category TV_PACKAGE).
    segment = fields.CharEnumField(CatalogSegment, max_length=8, default=CatalogSegment.MOBILE)

    class Meta:
        table = "services"
        ordering = ("category", "id")


class ServiceTariff(Model):
    """A tariff a service fits, for services that do not fit every tariff."""

    id = fields.IntField(primary_key=True)
    service = fields.ForeignKeyField(
        "kabinet.Service", related_name="tariff_links", on_delete=fields.CASCADE
    )
    tariff = fields.ForeignKeyField(
        "kabinet.Tariff", related_name="service_links", on_delete=fields.CASCADE
    )

    class Meta:
        table = "service_tariffs"
        unique_together = (("service_id", "tariff_id"),)


class ServiceExclusion(Model):
    """Two services that cannot be connected together, stored once per pair (either way)."""

    id = fields.IntField(primary_key=True)
    service = fields.ForeignKeyField(
        "kabinet.Service", related_name="exclusions", on_delete=fields.CASCADE
    )
    excluded = fields.ForeignKeyField(
        "kabinet.Service", related_name="excluded_by", on_delete=fields.CASCADE
    )

    class Meta:
        table = "service_exclusions"
        unique_together = (("service_id", "excluded_id"),)


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
