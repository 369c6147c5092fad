"""The request history (история заявок): pages of operation records, newest first.

Keyset pages on (created_at, id), newest first: two records at the same moment keep one
order across pages. A cursor is opaque and names the filter it was made under, so a cursor
from another filter is refused (BAD_USER_INPUT) instead of silently skipping records.

Three reads, each one statement: the first page of many numbers at once (a family tree's
`requests(first: 3)`, by resolvers/pages.py's `first_pages` like every other batched first
page), a page after a cursor of one number, and a page across a set of numbers
(`viewer.requests`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from models import OperationKind, OperationStatus
from permissions.levels import SEE_NUMBERS, Level, allows
from permissions.viewer import Viewer
from resolvers import pages
from resolvers.dataloader import DataLoader
from resolvers.errors import BadUserInput
from resolvers.pages import Listing, check_first
from resolvers.reach import Reach
from resolvers.sql import as_json, fetch_rows, in_keys, is_postgres, keys_param

# A partner app reads a history with this scope (and `numbers:read`, as for any number).
HISTORY_SCOPE = "balance:read"
Row = dict[str, Any]
COLUMNS = (
    "id",
    "number_id",
    "kind",
    "status",
    "details",
    "failure_reason",
    "actor_role",
    "actor_subscriber_id",
    "actor_partner_id",
    "grant_id",
    "created_at",
    "scheduled_for",
    "finished_at",
)
_TIMES = ("created_at", "scheduled_for", "finished_at")
_SELECT = ", ".join(COLUMNS)


@dataclass(frozen=True)
class RequestFilter:
    """What a history lists: kinds and statuses (empty: all), within [since, until)."""

    kinds: tuple[OperationKind, ...] = ()
    statuses: tuple[OperationStatus, ...] = ()
    since: datetime | None = None
    until: datetime | None = None

    @classmethod
    def of(
        cls,
        kinds: Sequence[OperationKind] | None = None,
        statuses: Sequence[OperationStatus] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> RequestFilter:
        """Checked and made canonical (sorted, UTC), so equal filters are equal keys."""
        since, until = _utc(since, "from"), _utc(until, "to")
        if since and until and since > until:
            raise BadUserInput("`from` must not be after `to`.", field="from")
        return cls(
            tuple(sorted(set(kinds or ()))), tuple(sorted(set(statuses or ()))), since, until
        )

    @property
    def fingerprint(self) -> str:
        parts = [",".join(self.kinds), ",".join(self.statuses), str(self.since), str(self.until)]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]

    def condition(self) -> tuple[str, list[Any]]:
        """SQL over `operations` (its parts joined by AND; empty for no filter) and its
        parameters."""
        parts, params = [], []
        if self.kinds:
            parts.append(in_keys("kind"))
            params.append(keys_param(str(kind) for kind in self.kinds))
        if self.statuses:
            parts.append(in_keys("status"))
            params.append(keys_param(str(status) for status in self.statuses))
        if self.since:
            parts.append("created_at >= ?")
            params.append(_time_param(self.since))
        if self.until:
            parts.append("created_at < ?")
            params.append(_time_param(self.until))
        return " AND ".join(parts), params


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    has_next_page: bool
    filter: RequestFilter

    def cursor(self, row: Row) -> str:
        return encode_cursor(self.filter, row["created_at"], row["id"])

    @property
    def end_cursor(self) -> str | None:
        return self.cursor(self.rows[-1]) if self.rows else None


def encode_cursor(under: RequestFilter, created_at: datetime, row_id: int) -> str:
    return pages.encode_keyset_cursor("r", under.fingerprint, created_at, row_id)


def decode_cursor(under: RequestFilter, cursor: str) -> tuple[datetime, int]:
    return pages.decode_keyset_cursor("r", under.fingerprint, cursor)


def _utc(moment: datetime | None, field: str) -> datetime | None:
    """Compared in UTC: SQLite compares the stored timestamps as text."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise BadUserInput(
            f"Give `{field}` with a timezone, e.g. 2026-11-01T00:00:00Z.", field=field
        )
    return moment.astimezone(UTC)


def _time_param(at: datetime) -> Any:
    # SQLite: the text tortoise stores, so comparisons are in time order.
    return at if is_postgres() else str(at.astimezone(UTC))


_LISTING = Listing(
    table="operations",
    key_column="number_id",
    columns=COLUMNS,
    times=_TIMES,
    order=("created_at", "id"),
)


def _row(found: Mapping[str, Any]) -> Row:
    return _with_details(_LISTING.row(found))


def _with_details(row: Row) -> Row:
    row["details"] = as_json(row["details"]) or {}
    return row


_PAGE = (
    f"SELECT {_SELECT} FROM operations WHERE {{numbers}}{{condition}}"  # noqa: S608
    "{after} ORDER BY created_at DESC, id DESC LIMIT ?"
)
_AFTER = " AND (created_at < ? OR (created_at = ? AND id < ?))"


async def first_pages(number_ids: Sequence[int], under: RequestFilter, first: int) -> list[Page]:
    """The first page of each number, in one statement, in the numbers' order."""
    check_first(first)
    condition, params = under.condition()
    found = await pages.first_pages(_LISTING, number_ids, first, condition, params)
    return [
        Page([_with_details(row) for row in got.rows], got.has_next_page, under) for got in found
    ]


async def page(
    number_ids: Sequence[int], under: RequestFilter, first: int, after: str | None
) -> Page:
    """One page across the given numbers (one number, or every number a viewer sees)."""
    check_first(first)
    moment_and_id = decode_cursor(under, after) if after is not None else None
    if not number_ids:
        return Page([], False, under)
    condition, params = under.condition()
    condition = f" AND {condition}" if condition else ""
    after_sql = ""
    if moment_and_id is not None:
        moment, row_id = moment_and_id
        after_sql = _AFTER
        params += [_time_param(moment), _time_param(moment), row_id]
    sql = _PAGE.format(numbers=in_keys("number_id"), condition=condition, after=after_sql)
    found = await fetch_rows(sql, [keys_param(number_ids), *params, first + 1])
    rows = [_row(record) for record in found]
    return Page(rows[:first], len(rows) > first, under)


@dataclass(frozen=True)
class PageKey:
    number_id: int
    filter: RequestFilter
    first: int


class RequestsByNumberLoader(DataLoader[PageKey, Page]):
    """First pages of many numbers' histories: one statement per (filter, first) asked,
    so `requests(first: 3)` on every number of a tree is one statement, whatever its size."""

    async def batch_load_fn(self, keys: list[PageKey]) -> list[Page]:
        groups: dict[Hashable, list[int]] = {}
        for key in keys:
            groups.setdefault((key.filter, key.first), []).append(key.number_id)
        found: dict[PageKey, Page] = {}
        for (under, first), number_ids in groups.items():
            for number_id, got in zip(
                number_ids, await first_pages(number_ids, under, first), strict=True
            ):
                found[PageKey(number_id, under, first)] = got
        return [found[key] for key in keys]


def people_in_view(reach: Reach, viewer: Viewer) -> frozenset[int]:
    """Subscribers the viewer's other paths show (Account.owner, Number.user at FULL),
    worked out once per request."""
    made = reach.views.get((frozenset, 0))
    if made is None:
        owners = {account.owner_id for account in reach.accounts.values()}
        users = {
            row.user_id
            for row in reach.numbers.values()
            if row.user_id is not None
            and allows(viewer, reach.level(row.id), Level.FULL, SEE_NUMBERS)
        }
        made = reach.views[(frozenset, 0)] = frozenset(owners | users)
    return made


def numbers_with_history(reach: Reach, viewer: Viewer) -> list[int]:
    """The numbers whose history the viewer may read: FULL, and for an app `balance:read`
    (a history shows money) besides `numbers:read`."""
    return [n for n in reach.numbers if allows(viewer, reach.level(n), Level.FULL, HISTORY_SCOPE)]
