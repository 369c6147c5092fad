"""A page of the usage detail for `Number.usage`, by opaque cursor.

A cursor carries the last record's (started_at, id) and the filter's digest: the next page
continues right after that record under the same filter, and a cursor made under another
filter is refused rather than silently continuing a different list.
"""

from __future__ import annotations

from dataclasses import dataclass

from resolvers.pages import check_first, decode_keyset_cursor, encode_keyset_cursor
from resolvers.usage_detail.filter import UsageFilter
from resolvers.usage_detail.rows import Key, UsageRow, key_of, read_batch

_LISTING = "usage1"


@dataclass(frozen=True)
class UsagePage:
    rows: list[UsageRow]
    has_next_page: bool
    usage_filter: UsageFilter

    def cursor(self, row: UsageRow) -> str:
        return encode_cursor(key_of(row), self.usage_filter)

    @property
    def end_cursor(self) -> str | None:
        return self.cursor(self.rows[-1]) if self.rows else None


def encode_cursor(key: Key, usage_filter: UsageFilter) -> str:
    return encode_keyset_cursor(_LISTING, usage_filter.digest, key.started_at, key.id)


def decode_cursor(cursor: str, usage_filter: UsageFilter) -> Key:
    """The key a cursor points after, or BAD_USER_INPUT for a cursor that is not one of ours
    or was made under another filter."""
    return Key(*decode_keyset_cursor(_LISTING, usage_filter.digest, cursor))


async def usage_page(
    number_id: int, usage_filter: UsageFilter, first: int, after: str | None
) -> UsagePage:
    """`first` records after the cursor (from the newest without one), newest first."""
    check_first(first)
    key = decode_cursor(after, usage_filter) if after is not None else None
    rows = await read_batch(number_id, usage_filter, key, first + 1)
    return UsagePage(rows[:first], len(rows) > first, usage_filter)
