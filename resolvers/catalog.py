"""The public catalogues (tariffs and services anyone may browse), their filters, and the
rules of which service fits which tariff and which services exclude each other.

The catalogue is an operator's price list, tens of rows: it is read whole (one statement a
table) and filtered in memory, which keeps the rules in one place for the listing and for
the checks of a tariff change or a service connection alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from models import CatalogSegment, Service, ServiceExclusion, ServiceTariff, Tariff
from resolvers.errors import BadUserInput
from resolvers.sql import as_json

Row = dict[str, Any]
MB_PER_GB = 1024


class TariffSortKey(StrEnum):
    MONTHLY_FEE = "MONTHLY_FEE"
    DATA = "DATA"
    MINUTES = "MINUTES"


@dataclass(frozen=True)
class TariffFilter:
    tags: tuple[str, ...] = ()  # a tariff must carry every one of them
    max_monthly_fee: int | None = None  # minor units
    min_minutes: int | None = None
    min_data_gb: int | None = None
    unlimited_data: bool | None = None
    archived: bool | None = False  # None: archived and choosable alike
    # Phone tariffs unless asked for the home ones: a line takes only its own segment's.
    segment: CatalogSegment = CatalogSegment.MOBILE


@dataclass(frozen=True)
class ServiceFilter:
    category: str | None = None
    compatible_with_tariff: int | None = None
    available_at_zero_balance: bool | None = None
    include_archived: bool = False
    segment: CatalogSegment = CatalogSegment.MOBILE


@dataclass
class Catalogue:
    tariffs: dict[int, Row] = field(default_factory=dict)
    services: dict[int, Row] = field(default_factory=dict)
    # Services that fit only some tariffs: service id -> those tariffs' ids.
    fits: dict[int, set[int]] = field(default_factory=dict)
    # Symmetric: each service id -> the ids of the services it cannot be connected with.
    excludes: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))

    def fits_tariff(self, service_id: int, tariff_id: int) -> bool:
        service = self.services[service_id]
        return bool(service["fits_every_tariff"]) or tariff_id in self.fits.get(service_id, ())

    def tariffs_for(self, service_id: int) -> list[Row]:
        """The choosable tariffs a service fits (of its own segment)."""
        segment = self.services[service_id]["segment"]
        return [
            t
            for t in _ordered_tariffs(self.tariffs.values())
            if not t["is_archived"]
            and t["segment"] == segment
            and self.fits_tariff(service_id, t["id"])
        ]

    def excluded_by(self, service_id: int) -> list[Row]:
        return [self.services[sid] for sid in sorted(self.excludes.get(service_id, ()))]

    def conflicts(self, service_id: int, connected: Iterable[int]) -> list[Row]:
        """The connected services that exclude `service_id`."""
        excluded = self.excludes.get(service_id, set())
        return [self.services[sid] for sid in sorted(set(connected) & excluded)]

    def unfit_for(self, tariff_id: int, connected: Iterable[int]) -> list[Row]:
        """The connected services that do not fit the tariff."""
        return [
            self.services[sid]
            for sid in sorted(connected)
            if sid in self.services and not self.fits_tariff(sid, tariff_id)
        ]


def tariff_row(row: Row) -> Row:
    if isinstance(row.get("tags"), str | bytes):
        row["tags"] = as_json(row["tags"])
    return row


async def list_tariffs(
    filter: TariffFilter | None = None,
    sort: TariffSortKey | None = None,
    descending: bool = False,
) -> list[Row]:
    rows = [tariff_row(row) for row in await Tariff.all().values()]
    chosen = filter_tariffs(rows, filter or TariffFilter())
    return sort_tariffs(chosen, sort, descending) if sort else _ordered_tariffs(chosen)


def filter_tariffs(rows: Iterable[Row], wanted: TariffFilter) -> list[Row]:
    _check_not_negative(
        maxMonthlyFee=wanted.max_monthly_fee,
        minMinutes=wanted.min_minutes,
        minDataGb=wanted.min_data_gb,
    )
    return [row for row in rows if _tariff_matches(row, wanted)]


def _tariff_matches(row: Row, wanted: TariffFilter) -> bool:
    if row["segment"] != wanted.segment:
        return False
    if wanted.archived is not None and bool(row["is_archived"]) is not wanted.archived:
        return False
    if not set(wanted.tags) <= set(row["tags"]):
        return False
    if wanted.max_monthly_fee is not None and row["monthly_fee"] > wanted.max_monthly_fee:
        return False
    # A null bundle is unlimited: it covers any minimum.
    if wanted.min_minutes is not None and not _covers(row["minutes"], wanted.min_minutes):
        return False
    if wanted.min_data_gb is not None and not _covers(
        row["data_mb"], wanted.min_data_gb * MB_PER_GB
    ):
        return False
    return wanted.unlimited_data is None or (row["data_mb"] is None) is wanted.unlimited_data


def _covers(bundle: int | None, minimum: int) -> bool:
    return bundle is None or bundle >= minimum


def sort_tariffs(rows: list[Row], key: TariffSortKey, descending: bool) -> list[Row]:
    column = {
        TariffSortKey.MONTHLY_FEE: "monthly_fee",
        TariffSortKey.DATA: "data_mb",
        TariffSortKey.MINUTES: "minutes",
    }[key]

    def order(row: Row) -> tuple[bool, int, int, int]:
        value = row[column]
        # Unlimited (null) counts as more than any bundle; ties keep the catalogue's order.
        return (value is None, value or 0, row["sort_order"], row["id"])

    ordered = sorted(rows, key=order, reverse=descending)
    return ordered


def _ordered_tariffs(rows: Iterable[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: (row["sort_order"], row["id"]))


async def load_catalogue() -> Catalogue:
    """The whole catalogue with its links, in four statements."""
    catalogue = Catalogue(
        tariffs={row["id"]: tariff_row(row) for row in await Tariff.all().values()},
        services={row["id"]: row for row in await Service.all().values()},
    )
    for service_id, tariff_id in await ServiceTariff.all().values_list("service_id", "tariff_id"):
        catalogue.fits.setdefault(service_id, set()).add(tariff_id)
    pairs = await ServiceExclusion.all().values_list("service_id", "excluded_id")
    for one, other in pairs:
        catalogue.excludes[one].add(other)
        catalogue.excludes[other].add(one)
    return catalogue


def filter_services(catalogue: Catalogue, wanted: ServiceFilter) -> list[Row]:
    rows = sorted(catalogue.services.values(), key=lambda row: (row["category"], row["id"]))
    return [row for row in rows if _service_matches(catalogue, row, wanted)]


def _service_matches(catalogue: Catalogue, row: Row, wanted: ServiceFilter) -> bool:
    if row["is_archived"] and not wanted.include_archived:
        return False
    if row["segment"] != wanted.segment:
        return False
    if wanted.category is not None and row["category"] != wanted.category:
        return False
    if wanted.available_at_zero_balance is not None and (
        bool(row["available_at_zero_balance"]) is not wanted.available_at_zero_balance
    ):
        return False
    tariff_id = wanted.compatible_with_tariff
    return tariff_id is None or catalogue.fits_tariff(row["id"], tariff_id)


def _check_not_negative(**values: int | None) -> None:
    for name, value in values.items():
        if value is not None and value < 0:
            raise BadUserInput(f"{name} cannot be negative.", field=name)
