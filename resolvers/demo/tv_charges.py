"""TV package charges for a demo home contract: each connected package's monthly fee as a
usage record of kind TV (the package's name as the counterpart) an hour into each 30-day
month back from the seeding, so the contract's detail shows what its TV cost beside its
internet sessions. The records carry the packages' fees: a demo ledger posting them should
charge the tariff's own fee only, not the packages' again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from models import Number, UsageDirection, UsageKind, UsageRecord

MONTH = timedelta(days=30)


def tv_package_charges(
    line: Number,
    contract_number: str,
    packages: Sequence[tuple[str, int]],  # (name, monthly fee in kopecks)
    now: datetime,
    days: int,
) -> list[UsageRecord]:
    """One charge per package per 30-day month within the last `days` days, oldest first."""
    records = []
    for month in range(days // MONTH.days, 0, -1):
        charged_at = (now - MONTH * month + timedelta(hours=1)).replace(second=0, microsecond=0)
        for i, (name, fee) in enumerate(packages):
            records.append(
                UsageRecord(
                    external_id=f"demo-tv-{contract_number}-{month:02d}-{i}",
                    number_id=line.id,
                    kind=UsageKind.TV,
                    direction=UsageDirection.OUT,
                    counterpart=name,
                    started_at=charged_at + timedelta(minutes=i),
                    cost=fee,
                )
            )
    return records
