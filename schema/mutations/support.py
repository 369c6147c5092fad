from __future__ import annotations

from typing import Any

import strawberry

from models.support import TicketTopic as StoredTopic
from permissions.levels import MANAGE
from resolvers.context import RequestContext
from resolvers.errors import NotFound
from resolvers.support import tickets
from resolvers.support.store import NO_SUCH_TICKET, Row
from schema.directives import access_mutation
from schema.ids import decode, pk_of
from schema.mutations.locate import (
    contract_number_field,
    line_named,
    located,
    msisdn_field,
)
from schema.support_nodes import ticket_object, visible_ticket
from schema.types.access_level import AccessLevel
from schema.types.support import SupportTicket, TicketTopic

Info = strawberry.Info[RequestContext, None]
FULL = AccessLevel.FULL


@strawberry.input
class CreateSupportTicketInput:
    msisdn: str | None = msisdn_field()
    contract_number: str | None = contract_number_field()
    topic: TicketTopic
    text: str = strawberry.field(
        description="What happened: 1 to 4,000 characters once trimmed, no control "
        "characters but line breaks and tabs. Kept as written (markup is text)."
    )


def _ticket_pk(kwargs: dict[str, Any]) -> int:
    gid = decode(str(kwargs["ticket_id"]))
    return pk_of(gid, "SupportTicket")


async def ticket_named(info: Info, kwargs: dict[str, Any]) -> int | None:
    """The number of the ticket in `ticketId:`. A ticket the viewer may not read is
    NOT_FOUND, like one that does not exist (not "no such number")."""
    row = await visible_ticket(info, _ticket_pk(kwargs))
    if row is None:
        raise NotFound(NO_SUCH_TICKET)
    return int(row["number_id"])


async def _answer(info: Info, row: Row) -> SupportTicket:
    reach = await info.context.loaders.reach()
    return await ticket_object(info, row, reach.numbers[row["number_id"]])


@strawberry.type
class SupportMutation:
    @access_mutation(
        FULL,
        line_named,
        scope=MANAGE,
        description="Opens a support ticket about a number (ACKNOWLEDGED); the text is its "
        "first message. At most 5 open tickets per subscriber (CONFLICT).",
    )
    async def create_support_ticket(
        self, info: Info, input: CreateSupportTicketInput
    ) -> SupportTicket:
        ctx = info.context
        number = await located(info, input.msisdn, input.contract_number)
        row = await tickets.open_ticket(
            ctx.viewer, number, StoredTopic(input.topic.value), input.text, ctx.services.clock()
        )
        return await _answer(info, row)

    @access_mutation(
        FULL,
        ticket_named,
        scope=MANAGE,
        description="Writes to a ticket: after the operator's answer (PENDING_CUSTOMER) it "
        "is the operator's turn again (IN_PROGRESS); a RESOLVED ticket is reopened within 7 "
        "days. A CLOSED ticket is CONFLICT.",
    )
    async def add_ticket_message(
        self, info: Info, ticket_id: strawberry.ID, text: str
    ) -> SupportTicket:
        ctx = info.context
        row = await tickets.write(
            ctx.viewer, _ticket_pk({"ticket_id": ticket_id}), text, ctx.services.clock()
        )
        return await _answer(info, row)

    @access_mutation(
        FULL,
        ticket_named,
        scope=MANAGE,
        description="Closes a ticket for good (CLOSED): nobody can write to it any more.",
    )
    async def close_support_ticket(self, info: Info, ticket_id: strawberry.ID) -> SupportTicket:
        ctx = info.context
        row = await tickets.close(
            ctx.viewer, _ticket_pk({"ticket_id": ticket_id}), ctx.services.clock()
        )
        return await _answer(info, row)
