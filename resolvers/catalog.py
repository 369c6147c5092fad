"""The public catalogues: tariffs and services anyone may browse."""

from __future__ import annotations

from typing import Any

from models import Service, Tariff


async def list_tariffs() -> list[dict[str, Any]]:
    return await Tariff.filter(is_archived=False).order_by("sort_order", "id").values()


async def list_services() -> list[dict[str, Any]]:
    return await Service.filter(is_archived=False).order_by("category", "id").values()
