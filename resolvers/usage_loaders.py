"""Per-request loaders of what a number's usage says: what is left of its bundles, and the
tariffs that would have cost it less. Each batch is a fixed number of statements for any
number of numbers (the usage of every window in one, their services in one, the
catalogue once per request).

A number is loaded by its reach row (`load_row`): the row carries its tariff and its
activation day, so no lookup is needed, even after the reach was reloaded.
"""

from __future__ import annotations

import asyncio

from resolvers.allowances import Allowance, allowances
from resolvers.billing_period import full_periods_before, period_containing
from resolvers.dataloader import ByNumberRowLoader
from resolvers.recommendations import PERIODS, Recommendation, recommend
from resolvers.usage_totals import Window, usage_in


class AllowancesByNumberLoader(ByNumberRowLoader[list[Allowance]]):
    async def batch_load_fn(self, keys: list[int]) -> list[list[Allowance]]:
        now = self.now()
        rows = [self.rows[key] for key in keys]
        periods = [period_containing(row.activated_at, now) for row in rows]
        windows = [Window(row.id, p.start, p.end) for row, p in zip(rows, periods, strict=True)]
        used, connections = await asyncio.gather(
            usage_in(windows), self.loaders.services_by_number.load_all(keys)
        )
        service_ids = sorted({c["service_id"] for conns in connections for c in conns})
        services = await self.loaders.service_by_id.load_all(service_ids)
        by_id = dict(zip(service_ids, services, strict=True))
        return [
            allowances(row.tariff, [by_id[c["service_id"]] for c in conns], spent, period)
            for row, conns, spent, period in zip(rows, connections, used, periods, strict=True)
        ]


class RecommendedTariffsByNumberLoader(ByNumberRowLoader[list[Recommendation]]):
    async def batch_load_fn(self, keys: list[int]) -> list[list[Recommendation]]:
        now = self.now()
        rows = [self.rows[key] for key in keys]
        periods = [full_periods_before(row.activated_at, now, PERIODS) for row in rows]
        windows = [
            Window(row.id, p.start, p.end)
            for row, ps in zip(rows, periods, strict=True)
            for p in ps
        ]
        used, connections, catalogue = await asyncio.gather(
            usage_in(windows),
            self.loaders.services_by_number.load_all(keys),
            self.loaders.catalogue(),
        )
        found, at = [], 0
        for row, ps, conns in zip(rows, periods, connections, strict=True):
            spent = used[at : at + len(ps)]
            at += len(ps)
            service_ids = [c["service_id"] for c in conns]
            found.append(recommend(catalogue, row.tariff_id, spent, service_ids))
        return found
