"""Tickets opened and moved at once: the open-ticket limit holds, and of two moves on one
ticket each sees what the other left (on PostgreSQL for real: row locks)."""

import asyncio

import pytest

from models import SupportTicket, TicketEvent
from resolvers.support import desk
from resolvers.support.tickets import MAX_OPEN_TICKETS
from schema.ids import decode
from tests.schema.support.world import CREATE, NOW, build_world, open_ticket

CLOSE = "mutation($id: ID!) { closeSupportTicket(ticketId: $id) { status } }"


@pytest.fixture
async def world(viewers, services):
    services.clock = lambda: NOW
    return await build_world(viewers)


async def test_ten_tickets_opened_at_once_as_user_stop_at_the_limit(gql, world):
    variables = {"input": {"msisdn": world.number.msisdn, "topic": "OTHER", "text": "at once"}}
    token = world.tokens["user"]
    results = await asyncio.gather(*[gql(CREATE, variables, token=token) for _ in range(10)])
    assert sum(1 for r in results if not r.errors) == MAX_OPEN_TICKETS
    assert sorted(r.error_codes for r in results if r.errors) == [["CONFLICT"]] * (
        10 - MAX_OPEN_TICKETS
    )
    assert await SupportTicket.all().count() == MAX_OPEN_TICKETS


async def test_a_close_and_a_resolve_at_once_as_owner_and_operator_both_recorded_in_order(
    gql, world, services
):
    ticket = await open_ticket(gql, world, "owner")
    pk = int(decode(ticket["id"]).node_id)
    closed, resolved = await asyncio.gather(
        gql(CLOSE, {"id": ticket["id"]}, token=world.tokens["owner"]),
        desk.resolve(pk, None, "olga", NOW),
        return_exceptions=True,
    )
    events = (
        await TicketEvent.filter(ticket_id=pk)
        .order_by("id")
        .values_list("from_status", "to_status")
    )
    # Whichever came second saw the first one's status: never two moves from one status.
    froms = [before for before, _ in events[1:]]
    assert len(froms) == len(set(froms))
    assert (await SupportTicket.get(id=pk)).status == events[-1][1]
    if isinstance(resolved, Exception):
        assert events[-1][1] == "CLOSED"
    else:
        assert not closed.errors
