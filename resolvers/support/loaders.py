"""Per-request loaders for tickets (taken with `Loaders.get(...)`): a family tree's
tickets, with their messages and status changes when asked for, cost one statement each
whatever the number of numbers or tickets.

A ticket's thread comes with the ticket (`attach_threads`), not through a loader per
ticket: the schema then reads `messages` and `history` as plain attributes, and a tree of
500 tickets pays no asynchronous resolver per ticket. Plain SQL, not the ORM: building
model values (and parsing SQLite's timestamps with iso8601) cost more than the statements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from resolvers.dataloader import DataLoader
from resolvers.sql import as_datetime, fetch_rows, in_keys, keys_param
from resolvers.support.store import EVENT_COLUMNS, MESSAGE_COLUMNS, TICKET_COLUMNS

Row = dict[str, Any]
# What a ticket's thread is made of in the API: ask for either, and the thread is loaded.
THREAD_FIELDS = frozenset({"messages", "history"})
_TIMES = ("created_at", "updated_at", "resolved_at")


def _rows(found: Iterable[Mapping[str, Any]]) -> list[Row]:
    rows = []
    for record in found:
        row = dict(record)
        for name in _TIMES:
            if name in row:
                row[name] = as_datetime(row[name])
        rows.append(row)
    return rows


def _grouped(rows: list[Row], key: str, keys: Iterable[int]) -> list[list[Row]]:
    by_key: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        by_key[row[key]].append(row)
    return [by_key.get(wanted, []) for wanted in keys]


async def _select(table: str, columns: tuple[str, ...], key: str, keys: list[int], order: str):
    sql = (
        f"SELECT {', '.join(columns)} FROM {table} "  # noqa: S608 (our own names only)
        f"WHERE {in_keys(key)} ORDER BY {order}"
    )
    return _rows(await fetch_rows(sql, [keys_param(keys)]))


async def attach_threads(tickets: list[Row]) -> list[Row]:
    """Each ticket row gets its `messages` and `events`, oldest first: two statements for
    any number of tickets."""
    ids = [row["id"] for row in tickets]
    if not ids:
        return tickets
    messages = await _select("ticket_messages", MESSAGE_COLUMNS, "ticket_id", ids, "id")
    events = await _select("ticket_events", EVENT_COLUMNS, "ticket_id", ids, "id")
    for row, its_messages, its_events in zip(
        tickets,
        _grouped(messages, "ticket_id", ids),
        _grouped(events, "ticket_id", ids),
        strict=True,
    ):
        row["messages"], row["events"] = its_messages, its_events
    return tickets


async def _tickets_of_numbers(keys: list[int]) -> list[Row]:
    return await _select("support_tickets", TICKET_COLUMNS, "number_id", keys, "id DESC")


class SupportTicketsByNumberLoader(DataLoader[int, list[Row]]):
    """Each number's tickets, newest first, without their threads."""

    async def batch_load_fn(self, keys: list[int]) -> list[list[Row]]:
        return _grouped(await _tickets_of_numbers(keys), "number_id", keys)


class SupportThreadsByNumberLoader(DataLoader[int, list[Row]]):
    """Each number's tickets, newest first, each with its messages and status changes."""

    async def batch_load_fn(self, keys: list[int]) -> list[list[Row]]:
        tickets = await attach_threads(await _tickets_of_numbers(keys))
        return _grouped(tickets, "number_id", keys)
