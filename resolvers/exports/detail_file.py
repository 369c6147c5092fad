"""One usage detail file, written from the database: the heading (the phone number, or the
contract number and address of a home contract; owner, period, zone, totals from one
statement), then the records in keyset batches, each handed to the
writer in a thread so that the event loop stays free. Used by the export jobs and by the
monthly e-mail."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import NamedTuple

from models import Account, ExportFormat, HomeContract, LineKind, Number, Subscriber
from resolvers.exports.writers import DetailHeading, DetailWriter, open_writer
from resolvers.usage_detail import UsageFilter, shown_totals, stream_usage, usage_totals, zone

BATCH = 1000
# Called after each batch with the records written so far and the total expected.
OnBatch = Callable[[int, int], Awaitable[None]]


class DetailedLine(NamedTuple):
    """The line a file is about, as its heading, its name and the e-mail name it."""

    kind: LineKind
    name: str  # the msisdn, or the contract number
    address: str | None  # a home contract's
    account_id: int

    @property
    def is_home(self) -> bool:
        return self.kind is LineKind.HOME

    @property
    def slug(self) -> str:
        """The name in a file name: digits only."""
        return self.name.lstrip("+")

    @property
    def genitive(self) -> str:
        """«номера +7…» or «договора 77…», as in «Детализация номера +7…»."""
        return f"{'договора' if self.is_home else 'номера'} {self.name}"


async def detailed_line(number_id: int) -> DetailedLine:
    number = await Number.get(id=number_id)
    if number.kind is LineKind.HOME:
        contract = await HomeContract.get(line_id=number_id)
        return DetailedLine(
            LineKind.HOME, contract.contract_number, contract.address, number.account_id
        )
    return DetailedLine(LineKind.MOBILE, str(number.msisdn), None, number.account_id)


async def heading_for(
    number_id: int, asker_id: int | None, usage_filter: UsageFilter
) -> DetailHeading:
    """Times are shown in the zone of the subscriber who asked (the owner's for an app)."""
    line = await detailed_line(number_id)
    account = await Account.get(id=line.account_id)
    owner = await Subscriber.get(id=account.owner_id)
    asker = await Subscriber.get_or_none(id=asker_id) if asker_id else None
    shown_in = zone((asker or owner).time_zone)
    totals = await usage_totals(number_id, usage_filter)
    return DetailHeading(
        line_title=line.genitive,
        address=line.address,
        owner_name=owner.full_name or owner.phone,
        since=usage_filter.from_,
        until=usage_filter.to,
        zone=shown_in,
        zone_name=str(shown_in),
        totals=shown_totals(totals, line.kind, usage_filter),
    )


async def write_detail(
    format: ExportFormat,
    path: Path,
    number_id: int,
    usage_filter: UsageFilter,
    heading: DetailHeading,
    on_batch: OnBatch | None = None,
) -> int:
    """Writes the whole file at `path` and returns the record count; on any failure the
    partial file is removed and the error goes on."""
    await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
    writer = open_writer(format, path, heading)
    written = 0
    try:
        async for batch in stream_usage(number_id, usage_filter, BATCH):
            await asyncio.to_thread(writer.write, batch)
            written += len(batch)
            if on_batch is not None:
                await on_batch(written, heading.record_count)
        await asyncio.to_thread(writer.finish)
    except BaseException:
        _abandon(writer, path)
        raise
    return written


def _abandon(writer: DetailWriter, path: Path) -> None:
    with contextlib.suppress(Exception):
        writer.close()
    path.unlink(missing_ok=True)
