"""`node(id:)` for a SupportTicket: visible exactly where Number.supportTickets shows it
(FULL on its number; a partner app with `numbers:read`). Anything else is None, i.e.
NOT_FOUND, like an id that does not exist."""

from __future__ import annotations

from typing import Any

import strawberry

from permissions.support import can_read_tickets
from resolvers.context import RequestContext
from resolvers.support.store import ticket_row
from schema.types import support

Info = strawberry.Info[RequestContext, None]


async def visible_ticket(info: Info, pk: int) -> dict[str, Any] | None:
    """The ticket's row and its number's MSISDN, if the viewer may read it."""
    row = await ticket_row(pk)
    if row is None:
        return None
    reach = await info.context.loaders.reach()
    number = reach.numbers.get(row["number_id"])
    if number is None or not can_read_tickets(info.context.viewer, reach.level(number.id)):
        return None
    return {**row, "msisdn": number.msisdn}


async def support_ticket(info: Info, pk: int) -> Any:
    row = await visible_ticket(info, pk)
    return support.SupportTicket.from_row(row, row["msisdn"]) if row else None
