"""Per-request loaders: every lookup by key is batched into one query per kind.

`Loaders` is built fresh for each request (a cache shared across requests would serve one
viewer's data to another); each loader is created on first use, so a request pays only for
the kinds it touches.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from models import (
    AccessGrant,
    Operation,
    OperationKind,
    OperationStatus,
    PartnerApp,
    Service,
    Subscriber,
)
from permissions.viewer import Viewer
from resolvers.care.loaders import CareByNumberLoader
from resolvers.catalog import Catalogue, load_catalogue
from resolvers.dataloader import ByNumberRowLoader, DataLoader
from resolvers.exports.loaders import MonthlyDetailEmailByNumberLoader
from resolvers.money.loaders import AutopayByNumberLoader, TrustByNumberLoader
from resolvers.operations.history import RequestsByNumberLoader
from resolvers.reach import Reach, load_reach
from resolvers.services import Services
from resolvers.sql import as_datetime, fetch_rows, in_keys, keys_param
from resolvers.usage_loaders import AllowancesByNumberLoader, RecommendedTariffsByNumberLoader

Row = dict[str, Any]


# What a Subscriber is made from (schema/types/subscriber.py).
SUBSCRIBER_COLUMNS = ("id", "phone", "full_name", "time_zone")


class SubscriberByIdLoader(DataLoader[int, Row | None]):
    async def batch_load_fn(self, keys: list[int]) -> list[Row | None]:
        rows = await Subscriber.filter(id__in=keys).values(*SUBSCRIBER_COLUMNS)
        by_id = {row["id"]: row for row in rows}
        return [by_id.get(key) for key in keys]


class PartnerAppByIdLoader(DataLoader[int, Row | None]):
    async def batch_load_fn(self, keys: list[int]) -> list[Row | None]:
        rows = await PartnerApp.filter(id__in=keys).values("id", "name", "client_id")
        by_id = {row["id"]: row for row in rows}
        return [by_id.get(key) for key in keys]


# What a Grant is made from (schema/types/grant.py), wherever the row is read.
GRANT_COLUMNS = (
    "id",
    "number_id",
    "level",
    "expires_at",
    "revoked_at",
    "created_at",
    "topup_monthly_limit",
    "grantee_subscriber_id",
    "grantee_partner_id",
    "granted_by_id",
    "source",
)
# How a grant's line is named: its msisdn, or its contract number (the other null).
GRANT_LINE_NAMES = {
    "msisdn": "number__msisdn",
    "contract_number": "number__home_contract__contract_number",
}


class GrantsByNumberLoader(DataLoader[int, list[Row]]):
    async def batch_load_fn(self, keys: list[int]) -> list[list[Row]]:
        rows = (
            await AccessGrant.filter(number_id__in=keys)
            .order_by("id")
            .values(*GRANT_COLUMNS, **GRANT_LINE_NAMES)
        )
        by_number: dict[int, list[Row]] = defaultdict(list)
        for row in rows:
            by_number[row["number_id"]].append(row)
        return [by_number.get(key, []) for key in keys]


class ServicesByNumberLoader(DataLoader[int, list[Row]]):
    """Plain SQL, not the ORM: a tree's allowances ask for it on every request, and
    building the ORM query cost more than running it."""

    async def batch_load_fn(self, keys: list[int]) -> list[list[Row]]:
        sql = (
            "SELECT number_id, service_id, connected_at FROM number_services "  # noqa: S608
            f"WHERE {in_keys('number_id')} ORDER BY service_id"
        )
        by_number: dict[int, list[Row]] = defaultdict(list)
        for row in await fetch_rows(sql, [keys_param(keys)]):
            by_number[row["number_id"]].append(
                {
                    "number_id": row["number_id"],
                    "service_id": row["service_id"],
                    "connected_at": as_datetime(row["connected_at"]),
                }
            )
        return [by_number.get(key, []) for key in keys]


class ServiceByIdLoader(DataLoader[int, Row | None]):
    async def batch_load_fn(self, keys: list[int]) -> list[Row | None]:
        by_id = {row["id"]: row for row in await Service.all().values()}
        for service_id, row in by_id.items():
            self.prime(service_id, row)
        return [by_id.get(key) for key in keys]


class PendingTariffChangeByNumberLoader(DataLoader[int, Row | None]):
    """The tariff change each number has scheduled for its next period, if any."""

    async def batch_load_fn(self, keys: list[int]) -> list[Row | None]:
        rows = await Operation.filter(
            number_id__in=keys, kind=OperationKind.TARIFF_CHANGE, status=OperationStatus.CREATED
        ).values()
        by_number = {row["number_id"]: row for row in rows}
        return [by_number.get(key) for key in keys]


class CatalogueLoader(DataLoader[int, Catalogue]):
    """The whole catalogue, once per request (the only key is 0)."""

    async def batch_load_fn(self, keys: list[int]) -> list[Catalogue]:
        catalogue = await load_catalogue()
        return [catalogue for _ in keys]


class Loaders:
    def __init__(self, viewer: Viewer | None = None, services: Services | None = None) -> None:
        self.viewer = viewer
        self.services = services
        self._made: dict[type[DataLoader[Any, Any]], DataLoader[Any, Any]] = {}
        self._reach: asyncio.Future[Reach] | None = None

    def get(self, kind: type[DataLoader[Any, Any]]) -> Any:
        loader = self._made.get(kind)
        if loader is None:
            made = kind(self) if issubclass(kind, ByNumberRowLoader) else kind()  # type: ignore[call-arg]
            loader = self._made[kind] = made
        return loader

    async def reach(self) -> Reach:
        """The viewer's accounts, numbers and levels; loaded once, shared by every field.

        The first asker loads it in its own task (a task per request only for this would
        cost more than the statement's own Python work); whoever asks meanwhile waits."""
        if self._reach is not None:
            return await self._reach
        future = self._reach = asyncio.get_running_loop().create_future()
        # Nobody may be waiting: an error is then retrieved here, not warned about.
        future.add_done_callback(lambda done: done.cancelled() or done.exception())
        try:
            reach = await self._load_reach()
        except BaseException as exc:
            if self._reach is future:
                self._reach = None  # the next asker tries again
            if isinstance(exc, asyncio.CancelledError):
                future.cancel()
            else:
                future.set_exception(exc)
            raise
        future.set_result(reach)
        return reach

    async def _load_reach(self) -> Reach:
        assert self.viewer is not None and self.services is not None
        services = self.services
        return await load_reach(self.viewer, services.clock(), services.limits.topup_min)

    def forget_reach(self) -> None:
        """After a mutation changed who may reach what, later fields must see it."""
        self._reach = None

    async def catalogue(self) -> Catalogue:
        return await self.get(CatalogueLoader).load(0)

    @property
    def allowances_by_number(self) -> AllowancesByNumberLoader:
        return self.get(AllowancesByNumberLoader)

    @property
    def recommended_tariffs_by_number(self) -> RecommendedTariffsByNumberLoader:
        return self.get(RecommendedTariffsByNumberLoader)

    @property
    def trust_by_number(self) -> TrustByNumberLoader:
        return self.get(TrustByNumberLoader)

    @property
    def autopay_by_number(self) -> AutopayByNumberLoader:
        return self.get(AutopayByNumberLoader)

    @property
    def monthly_detail_email_by_number(self) -> MonthlyDetailEmailByNumberLoader:
        loader = self._made.get(MonthlyDetailEmailByNumberLoader)
        if loader is None:
            subscriber_id = self.viewer.subscriber_id if self.viewer else None
            loader = MonthlyDetailEmailByNumberLoader(subscriber_id)
            self._made[MonthlyDetailEmailByNumberLoader] = loader
        return loader  # type: ignore[return-value]

    @property
    def pending_tariff_change_by_number(self) -> PendingTariffChangeByNumberLoader:
        return self.get(PendingTariffChangeByNumberLoader)

    @property
    def care_by_number(self) -> CareByNumberLoader:
        return self.get(CareByNumberLoader)

    @property
    def requests_by_number(self) -> RequestsByNumberLoader:
        return self.get(RequestsByNumberLoader)

    @property
    def subscriber_by_id(self) -> SubscriberByIdLoader:
        return self.get(SubscriberByIdLoader)

    @property
    def partner_app_by_id(self) -> PartnerAppByIdLoader:
        return self.get(PartnerAppByIdLoader)

    @property
    def grants_by_number(self) -> GrantsByNumberLoader:
        return self.get(GrantsByNumberLoader)

    @property
    def services_by_number(self) -> ServicesByNumberLoader:
        return self.get(ServicesByNumberLoader)

    @property
    def service_by_id(self) -> ServiceByIdLoader:
        return self.get(ServiceByIdLoader)
