"""Pages of a number's payments and ledger entries, newest first, by opaque cursor."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from models import LedgerEntry, LedgerKind, Payment
from resolvers.errors import BadUserInput

MAX_PAGE = 100


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    has_next_page: bool

    @property
    def end_cursor(self) -> str | None:
        return encode_cursor(self.rows[-1]["id"]) if self.rows else None


def encode_cursor(row_id: int) -> str:
    return base64.urlsafe_b64encode(f"c:{row_id}".encode()).decode()


def _decode_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        prefix, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if prefix == "c" and value.isdigit():
            return int(value)
    except (ValueError, UnicodeDecodeError):
        pass
    raise BadUserInput("This cursor is not valid.", field="after")


def _utc(moment: datetime | None) -> datetime | None:
    """Filters compare in UTC: SQLite compares the stored timestamps as text."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise BadUserInput("Give `from` and `to` with a timezone, e.g. 2026-11-01T00:00:00Z.")
    return moment.astimezone(UTC)


def _check(first: int, since: datetime | None, until: datetime | None) -> None:
    if not 0 < first <= MAX_PAGE:
        raise BadUserInput(f"first must be from 1 to {MAX_PAGE}.", field="first")
    if since and until and since > until:
        raise BadUserInput("`from` must not be after `to`.", field="from")


async def _page(
    query: Any, first: int, after: str | None, since: datetime | None, until: datetime | None
) -> Page:
    """Newest first, `first` rows after the cursor, within [since, until) in UTC."""
    since, until = _utc(since), _utc(until)
    _check(first, since, until)
    if since:
        query = query.filter(created_at__gte=since)
    if until:
        query = query.filter(created_at__lt=until)
    after_id = _decode_cursor(after)
    if after_id is not None:
        query = query.filter(id__lt=after_id)
    rows = await query.order_by("-id").limit(first + 1).values()
    return Page(rows[:first], len(rows) > first)


async def payments_page(
    number_id: int, first: int, after: str | None, since: datetime | None, until: datetime | None
) -> Page:
    return await _page(Payment.filter(number_id=number_id), first, after, since, until)


async def ledger_page(
    number_id: int,
    first: int,
    after: str | None,
    since: datetime | None,
    until: datetime | None,
    kinds: list[LedgerKind] | None,
) -> Page:
    query = LedgerEntry.filter(number_id=number_id)
    if kinds:
        query = query.filter(kind__in=kinds)
    return await _page(query, first, after, since, until)
