"""Pages of rows by opaque cursor, and the first page of many keys in one statement.

A page is newest first by id (or by its listing's order), and its cursor here is the id of
its last row (a listing in another order has its own cursor): the first page of a
number's payments read with every other number's (`first_pages`) ends on the same cursor as
the same page read alone, so `after:` goes on from either the same way.

`first_pages` is one statement for any number of keys: on PostgreSQL a LATERAL join (each
key's `first + 1` rows straight off an index on (key, id), however long its history), on
SQLite, which has no LATERAL, `ROW_NUMBER() OVER (PARTITION BY key ...)`, which reads every
row of the keys (fine for an embedded database's sizes).

Listings ordered by a time then id under a filter (the request history, the usage detail)
use a keyset cursor instead (`encode_keyset_cursor`): the last row's time and id and the
digest of the filter it was made under, so that a cursor used under another filter is
refused rather than silently continuing another list.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from resolvers.errors import BadUserInput
from resolvers.sql import as_datetime, fetch_rows, in_keys, is_postgres, keys_param

Row = dict[str, Any]
MAX_PAGE = 100  # `first` of every connection
_INVALID = "This cursor is not valid."


def check_first(first: int) -> None:
    if not 0 < first <= MAX_PAGE:
        raise BadUserInput(f"`first` must be from 1 to {MAX_PAGE}.", field="first")


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    has_next_page: bool

    @property
    def end_cursor(self) -> str | None:
        return encode_cursor(self.rows[-1]["id"]) if self.rows else None


def encode_cursor(row_id: int) -> str:
    return base64.urlsafe_b64encode(f"c:{row_id}".encode()).decode()


def decode_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        prefix, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if prefix == "c" and value.isdigit():
            return int(value)
    except (ValueError, UnicodeDecodeError):
        pass
    raise BadUserInput(_INVALID, field="after")


def encode_keyset_cursor(listing: str, filter_digest: str, at: datetime, row_id: int) -> str:
    """The position right after the row at (`at`, `row_id`) of `listing` (a short name that
    tells listings apart) read under the filter whose digest is `filter_digest`."""
    text = f"{listing}|{filter_digest}|{row_id}|{at.astimezone(UTC).isoformat()}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def decode_keyset_cursor(listing: str, filter_digest: str, cursor: str) -> tuple[datetime, int]:
    """(time, id) of an `encode_keyset_cursor` cursor; BAD_USER_INPUT for one that is not
    one of this listing's, or was made under another filter."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode()
        prefix, digest, row_id, moment = text.split("|")
        at = datetime.fromisoformat(moment)
        if prefix != listing or not row_id.isdigit() or at.tzinfo is None:
            raise ValueError(text)
    except (ValueError, UnicodeError, binascii.Error):
        raise BadUserInput(_INVALID, field="after") from None
    if digest != filter_digest:
        raise BadUserInput(
            "This cursor was made for another filter: ask for the first page again.",
            field="after",
        )
    return at, int(row_id)


@dataclass(frozen=True)
class Listing:
    """What a page lists: rows of `table` belonging to a key (`key_column`), newest first
    by `order` (each column descending: the highest `id` first unless told otherwise; an
    index on (key, *order) serves each key's page). `times` are the timestamp columns, read
    back as aware datetimes."""

    table: str
    key_column: str
    columns: tuple[str, ...]
    times: tuple[str, ...] = ()
    order: tuple[str, ...] = ("id",)

    def __post_init__(self) -> None:
        assert "id" in self.columns and self.key_column in self.columns
        assert set(self.order) <= set(self.columns)

    def _order_by(self, prefix: str = "") -> str:
        return ", ".join(f"{prefix}{column} DESC" for column in self.order)

    def sql(self, condition: str) -> str:
        """The statement for all keys: keys, then the condition's parameters, then the
        number of rows per key. Same text for any number of keys."""
        columns = ", ".join(self.columns)
        extra = f" AND {condition}" if condition else ""
        if is_postgres():
            return (
                f"SELECT page.* FROM unnest(?::bigint[]) AS k(key) CROSS JOIN LATERAL ("  # noqa: S608 (our constants)
                f"SELECT {columns} FROM {self.table} WHERE {self.key_column} = k.key{extra} "
                f"ORDER BY {self._order_by()} LIMIT ?) AS page "
                f"ORDER BY page.{self.key_column}, {self._order_by('page.')}"
            )
        return (
            f"SELECT {columns} FROM (SELECT {columns}, ROW_NUMBER() OVER ("  # noqa: S608
            f"PARTITION BY {self.key_column} ORDER BY {self._order_by()}) AS row_in_key "
            f"FROM {self.table} WHERE {in_keys(self.key_column)}{extra}) AS ranked "
            f"WHERE row_in_key <= ? ORDER BY {self.key_column}, {self._order_by()}"
        )

    def row(self, found: Mapping[str, Any]) -> Row:
        row = dict(found)  # the statement selects exactly the listing's columns
        for column in self.times:
            row[column] = as_datetime(row[column])
        return row


async def first_pages(
    listing: Listing,
    keys: Sequence[Hashable],
    first: int,
    condition: str = "",
    params: Sequence[Any] = (),
) -> list[Page]:
    """The first `first` rows of each key (newest first by the listing's order), in one
    statement, in the keys' order; `condition` (SQL over the listing's columns, `?` for each
    of `params`) narrows the rows of every key alike. `first + 1` are fetched, so each page
    knows if more follow."""
    if not keys:
        return []
    sql = listing.sql(condition)
    found = await fetch_rows(sql, [keys_param(keys), *params, first + 1])
    by_key: dict[Any, list[Row]] = {}
    for record in found:
        row = listing.row(record)
        by_key.setdefault(row[listing.key_column], []).append(row)
    pages = []
    for key in keys:
        rows = by_key.get(key, [])
        pages.append(Page(rows[:first], len(rows) > first))
    return pages
