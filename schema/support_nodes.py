"""`node(id:)` for a SupportTicket: visible exactly where Number.supportTickets shows it
(FULL on its number; a partner app with `numbers:read`). Anything else is None, i.e.
NOT_FOUND, like an id that does not exist."""

from __future__ import annotations

from typing import Any

import strawberry

from permissions.support import can_read_tickets
from resolvers.context import RequestContext
from resolvers.reach import NumberRow
from resolvers.support.loaders import attach_threads
from resolvers.support.store import ticket_row
from schema.types import support

Info = strawberry.Info[RequestContext, None]


async def visible_ticket(info: Info, pk: int) -> dict[str, Any] | None:
    """The ticket's row and its line's reach row (`line`), if the viewer may read it."""
    row = await ticket_row(pk)
    if row is None:
        return None
    reach = await info.context.loaders.reach()
    number = reach.numbers.get(row["number_id"])
    if number is None or not can_read_tickets(info.context.viewer, reach.level(number.id)):
        return None
    return {**row, "line": number}


async def ticket_object(info: Info, row: dict[str, Any], line: NumberRow) -> support.SupportTicket:
    """The API's ticket, with its thread (two statements: one ticket's is small)."""
    [row] = await attach_threads([dict(row)])
    return support.SupportTicket.from_row(row, line, info.context.viewer)


async def support_ticket(info: Info, pk: int) -> Any:
    row = await visible_ticket(info, pk)
    return await ticket_object(info, row, row["line"]) if row else None
