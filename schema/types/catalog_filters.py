"""The catalogue's filter and sort inputs, turned into the resolvers' own filters."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

import strawberry
from strawberry import relay

from models import CatalogSegment as StoredSegment
from resolvers import catalog
from resolvers.errors import BadUserInput
from resolvers.money.amounts import to_minor_units
from schema.types.catalog import CatalogSegment


@strawberry.enum
class TariffSortKey(Enum):
    MONTHLY_FEE = "MONTHLY_FEE"
    DATA = "DATA"
    MINUTES = "MINUTES"


@strawberry.enum
class SortDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input(description="Every condition given must hold.")
class TariffFilter:
    tags: list[str] | None = strawberry.field(
        default=None, description="The tariff carries every one of these tags."
    )
    max_monthly_fee: Decimal | None = strawberry.field(
        default=None, description='In rubles, e.g. "500.00".'
    )
    min_minutes: int | None = strawberry.field(
        default=None, description="An unlimited (null) bundle covers any minimum."
    )
    min_data_gb: int | None = strawberry.field(
        default=None, description="1 GB = 1024 MB; an unlimited (null) bundle covers any."
    )
    unlimited_data: bool | None = None
    archived: bool | None = strawberry.field(
        default=False,
        description="false (default): choosable tariffs; true: archived ones; null: both.",
    )
    segment: CatalogSegment = strawberry.field(
        default=CatalogSegment.MOBILE, description="MOBILE (default) or HOME tariffs."
    )

    def to_filter(self) -> catalog.TariffFilter:
        fee = None
        if self.max_monthly_fee is not None:
            try:
                fee = to_minor_units(self.max_monthly_fee, "RUB")
            except ValueError as exc:
                raise BadUserInput(str(exc), field="maxMonthlyFee") from exc
        return catalog.TariffFilter(
            tags=tuple(self.tags or ()),
            max_monthly_fee=fee,
            min_minutes=self.min_minutes,
            min_data_gb=self.min_data_gb,
            unlimited_data=self.unlimited_data,
            archived=self.archived,
            segment=StoredSegment(self.segment.value),
        )


@strawberry.input(description="Unlimited (null) bundles sort above any bundle.")
class TariffSort:
    by: TariffSortKey
    direction: SortDirection = SortDirection.ASC


@strawberry.input(description="Every condition given must hold.")
class ServiceFilter:
    category: str | None = None
    compatible_with_tariff: strawberry.ID | None = strawberry.field(
        default=None, description="A tariff's id: only services that fit it."
    )
    available_at_zero_balance: bool | None = None
    segment: CatalogSegment = strawberry.field(
        default=CatalogSegment.MOBILE,
        description="MOBILE (default) or HOME services (TV packages: category TV_PACKAGE).",
    )

    def to_filter(self) -> catalog.ServiceFilter:
        return catalog.ServiceFilter(
            category=self.category,
            compatible_with_tariff=tariff_pk(self.compatible_with_tariff, "compatibleWithTariff")
            if self.compatible_with_tariff is not None
            else None,
            available_at_zero_balance=self.available_at_zero_balance,
            segment=StoredSegment(self.segment.value),
        )


def tariff_pk(global_id: str, field: str) -> int:
    """A Tariff's global id to its key; anything else is the client's mistake."""
    try:
        parsed = relay.GlobalID.from_id(str(global_id))
        if parsed.type_name == "Tariff" and parsed.node_id.isdigit():
            return int(parsed.node_id)
    except (ValueError, TypeError):
        pass
    raise BadUserInput("This is not a tariff's id.", field=field)


def service_pk(global_id: str, field: str) -> int:
    try:
        parsed = relay.GlobalID.from_id(str(global_id))
        if parsed.type_name == "Service" and parsed.node_id.isdigit():
            return int(parsed.node_id)
    except (ValueError, TypeError):
        pass
    raise BadUserInput("This is not a service's id.", field=field)
