"""A page of the usage detail for `Number.usage`, by opaque cursor.

A cursor carries the last record's (started_at, id) and the filter's digest: the next page
continues right after that record under the same filter, and a cursor made under another
filter is refused rather than silently continuing a different list.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from resolvers.errors import BadUserInput
from resolvers.usage_detail.filter import UsageFilter
from resolvers.usage_detail.rows import Key, UsageRow, key_of, read_batch

MAX_PAGE = 100
_PREFIX = "usage1"


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
    text = f"{_PREFIX}|{key.started_at.isoformat()}|{key.id}|{usage_filter.digest}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def decode_cursor(cursor: str, usage_filter: UsageFilter) -> Key:
    """The key a cursor points after, or BAD_USER_INPUT for a cursor that is not one of ours
    or was made under another filter."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode()
        prefix, at, row_id, digest = text.split("|")
        started_at = datetime.fromisoformat(at)
        if prefix != _PREFIX or not row_id.isdigit() or started_at.tzinfo is None:
            raise ValueError(text)
        key = Key(started_at, int(row_id))
    except (ValueError, UnicodeError, binascii.Error):
        raise BadUserInput("This cursor is not valid.", field="after") from None
    if digest != usage_filter.digest:
        raise BadUserInput(
            "This cursor belongs to another filter: ask for the first page again.",
            field="after",
        )
    return key


def check_first(first: int) -> None:
    if not 0 < first <= MAX_PAGE:
        raise BadUserInput(f"`first` must be from 1 to {MAX_PAGE}.", field="first")


async def usage_page(
    number_id: int, usage_filter: UsageFilter, first: int, after: str | None
) -> UsagePage:
    """`first` records after the cursor (from the newest without one), newest first."""
    check_first(first)
    key = decode_cursor(after, usage_filter) if after is not None else None
    rows = await read_batch(number_id, usage_filter, key, first + 1)
    return UsagePage(rows[:first], len(rows) > first, usage_filter)
