"""Pages of a number's payments and ledger entries, newest first, by opaque cursor.

A page without `after` is read with the same page of every other number the request asks
for (`PaymentsPageByNumberLoader`, `LedgerPageByNumberLoader`: one statement for a whole
family); a page after a cursor is read alone (`payments_page`, `ledger_page`). Both end on
the same cursor (resolvers/pages.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from models import LedgerEntry, LedgerKind, Payment
from resolvers.dataloader import ByNumberAndAskLoader
from resolvers.errors import BadUserInput
from resolvers.pages import (
    Listing,
    Page,
    check_first,
    decode_cursor,
    encode_cursor,
    first_pages,
)
from resolvers.sql import in_keys, keys_param, time_param

if TYPE_CHECKING:
    from resolvers.loaders import Loaders

PAYMENTS = Listing(
    "payments",
    "number_id",
    ("id", "number_id", "status", "amount", "currency", "failure_code", "created_at"),
    times=("created_at",),
)
LEDGER = Listing(
    "ledger_entries",
    "number_id",
    ("id", "number_id", "kind", "amount", "currency", "balance_after", "reason", "created_at"),
    times=("created_at",),
)


@dataclass(frozen=True)
class Window:
    """Which rows of each number a page lists (all of `first`'s pages alike)."""

    first: int
    since: datetime | None = None
    until: datetime | None = None
    kinds: tuple[LedgerKind, ...] = ()

    @classmethod
    def checked(
        cls,
        first: int,
        since: datetime | None,
        until: datetime | None,
        kinds: list[LedgerKind] | None = None,
    ) -> Window:
        """Filters compare in UTC: SQLite compares the stored timestamps as text."""
        since, until = _utc(since), _utc(until)
        check_first(first)
        if since and until and since > until:
            raise BadUserInput("`from` must not be after `to`.", field="from")
        return cls(first, since, until, tuple(kinds or ()))

    def condition(self) -> tuple[str, list[Any]]:
        """The filters as SQL over a listing's columns, and their parameters."""
        parts, params = [], []
        if self.since:
            parts.append("created_at >= ?")
            params.append(time_param(self.since))
        if self.until:
            parts.append("created_at < ?")
            params.append(time_param(self.until))
        if self.kinds:
            parts.append(in_keys("kind"))
            params.append(keys_param(str(kind) for kind in self.kinds))
        return " AND ".join(parts), params


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise BadUserInput("Give `from` and `to` with a timezone, e.g. 2026-11-01T00:00:00Z.")
    return moment.astimezone(UTC)


async def _page(query: Any, window: Window, after: str | None) -> Page:
    """Newest first, `first` rows after the cursor, within [since, until) in UTC."""
    if window.since:
        query = query.filter(created_at__gte=window.since)
    if window.until:
        query = query.filter(created_at__lt=window.until)
    if window.kinds:
        query = query.filter(kind__in=list(window.kinds))
    after_id = decode_cursor(after)
    if after_id is not None:
        query = query.filter(id__lt=after_id)
    rows = await query.order_by("-id").limit(window.first + 1).values()
    return Page(rows[: window.first], len(rows) > window.first)


async def payments_page(number_id: int, window: Window, after: str | None) -> Page:
    return await _page(Payment.filter(number_id=number_id), window, after)


async def ledger_page(number_id: int, window: Window, after: str | None) -> Page:
    return await _page(LedgerEntry.filter(number_id=number_id), window, after)


class _FirstPagesByNumber(ByNumberAndAskLoader[Window, Page]):
    """Keys are (number id, window): one statement per distinct window asked for."""

    listing: Listing

    async def load_numbers(self, number_ids: list[int], window: Window) -> list[Page]:
        condition, params = window.condition()
        return await first_pages(self.listing, number_ids, window.first, condition, params)


class PaymentsPageByNumberLoader(_FirstPagesByNumber):
    listing = PAYMENTS


class LedgerPageByNumberLoader(_FirstPagesByNumber):
    listing = LEDGER


async def payments_of(
    loaders: Loaders, number_ids: list[int], window: Window, after: str | None
) -> list[Page]:
    """Each number's page of payments: first pages in one statement for them all (the
    request's loader), pages after a cursor one statement each."""
    return await _pages_of(
        loaders.get(PaymentsPageByNumberLoader), payments_page, number_ids, window, after
    )


async def ledger_of(
    loaders: Loaders, number_ids: list[int], window: Window, after: str | None
) -> list[Page]:
    """Each number's page of ledger entries, as payments_of gives payments."""
    return await _pages_of(
        loaders.get(LedgerPageByNumberLoader), ledger_page, number_ids, window, after
    )


async def _pages_of(
    first_pages: _FirstPagesByNumber,
    page_after: Callable[[int, Window, str | None], Awaitable[Page]],
    number_ids: list[int],
    window: Window,
    after: str | None,
) -> list[Page]:
    if after is None:
        return await first_pages.load_all([(number_id, window) for number_id in number_ids])
    return [await page_after(number_id, window, after) for number_id in number_ids]


__all__ = ["Page", "encode_cursor"]
