"""The batch balance moves (fee runs, usage imports), each followed by its `balanceChanged`
announcements once the money has committed: whichever process runs them (the command line,
the worker, POST /internal/usage), live subscribers in every gateway process hear of it
through the shared event bus."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from resolvers.events import publish_balance_changed
from resolvers.money.charges import IngestResult, ingest
from resolvers.money.fees import FeeRun, charge_month
from resolvers.services import Services


async def announce(services: Services, number_ids: Iterable[int]) -> None:
    for number_id in sorted(set(number_ids)):
        await publish_balance_changed(services, number_id)


async def charge_month_announced(services: Services, month: str) -> FeeRun:
    run = await charge_month(month, services.clock())
    await announce(services, run.charged_numbers)
    return run


async def ingest_announced(
    services: Services, raw_records: Iterable[Mapping[str, Any]]
) -> IngestResult:
    result = await ingest(raw_records, services.clock())
    await announce(services, result.charged_numbers)
    return result
