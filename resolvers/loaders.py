"""Per-request loaders: every lookup by key is batched into one query per kind.

`Loaders` is built fresh for each request (a cache shared across requests would serve one
viewer's data to another); each loader is created on first use, so a request pays only for
the kinds it touches.
"""

from __future__ import annotations

from typing import Any

from aiodataloader import DataLoader

from models import Subscriber, Tariff


class TariffByIdLoader(DataLoader[int, dict[str, Any] | None]):
    async def batch_load_fn(self, keys: list[int]) -> list[dict[str, Any] | None]:
        rows = await Tariff.filter(id__in=keys).values()
        by_id = {row["id"]: row for row in rows}
        return [by_id.get(key) for key in keys]


class SubscriberByIdLoader(DataLoader[int, dict[str, Any] | None]):
    async def batch_load_fn(self, keys: list[int]) -> list[dict[str, Any] | None]:
        rows = await Subscriber.filter(id__in=keys).values("id", "phone", "full_name")
        by_id = {row["id"]: row for row in rows}
        return [by_id.get(key) for key in keys]


class Loaders:
    def __init__(self) -> None:
        self._made: dict[type[DataLoader[Any, Any]], DataLoader[Any, Any]] = {}

    def get(self, kind: type[DataLoader[Any, Any]]) -> Any:
        loader = self._made.get(kind)
        if loader is None:
            loader = self._made[kind] = kind()
        return loader

    @property
    def tariff_by_id(self) -> TariffByIdLoader:
        return self.get(TariffByIdLoader)

    @property
    def subscriber_by_id(self) -> SubscriberByIdLoader:
        return self.get(SubscriberByIdLoader)
