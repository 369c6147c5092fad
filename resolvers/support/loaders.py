"""Per-request loaders for tickets (taken with `Loaders.get(...)`): a family tree's
tickets, and their messages and status changes, cost one statement each whatever the
number of numbers or tickets."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from models import SupportTicket, TicketEvent, TicketMessage
from resolvers.dataloader import DataLoader
from resolvers.support.store import EVENT_COLUMNS, MESSAGE_COLUMNS, TICKET_COLUMNS

Row = dict[str, Any]


def _grouped(rows: list[Row], key: str, keys: list[int]) -> list[list[Row]]:
    by_key: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        by_key[row[key]].append(row)
    return [by_key.get(wanted, []) for wanted in keys]


class SupportTicketsByNumberLoader(DataLoader[int, list[Row]]):
    """Each number's tickets, newest first."""

    async def batch_load_fn(self, keys: list[int]) -> list[list[Row]]:
        rows = (
            await SupportTicket.filter(number_id__in=keys).order_by("-id").values(*TICKET_COLUMNS)
        )
        return _grouped(rows, "number_id", keys)


class TicketMessagesByTicketLoader(DataLoader[int, list[Row]]):
    """Each ticket's messages, oldest first."""

    async def batch_load_fn(self, keys: list[int]) -> list[list[Row]]:
        rows = (
            await TicketMessage.filter(ticket_id__in=keys).order_by("id").values(*MESSAGE_COLUMNS)
        )
        return _grouped(rows, "ticket_id", keys)


class TicketEventsByTicketLoader(DataLoader[int, list[Row]]):
    """Each ticket's status changes, oldest first."""

    async def batch_load_fn(self, keys: list[int]) -> list[list[Row]]:
        rows = await TicketEvent.filter(ticket_id__in=keys).order_by("id").values(*EVENT_COLUMNS)
        return _grouped(rows, "ticket_id", keys)
