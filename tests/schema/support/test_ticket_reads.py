"""Who reads tickets: Number.supportTickets, viewer.supportTickets and node(id:), as each
viewer kind; a family tree's tickets at a fixed statement cost."""

import pytest

from models import AccessGrant, SupportTicket, TicketMessage, TicketSide, TicketStatus
from resolvers.support import desk
from schema.ids import decode
from tests.schema.support.world import NOW, build_world, open_ticket
from tests.support import family
from tests.support.queries import count_queries

NUMBER_TICKETS = """
query($m: String!, $s: TicketStatus) { number(msisdn: $m) {
  supportTickets(status: $s) { id status messages { text } } } }
"""
MY_TICKETS = """
query($s: TicketStatus) { viewer { supportTickets(status: $s) { id msisdn status } } }
"""
NODE = "query($id: ID!) { node(id: $id) { ... on SupportTicket { id status } } }"


@pytest.fixture
async def world(viewers, services):
    services.clock = lambda: NOW
    return await build_world(viewers)


@pytest.fixture
async def tickets(gql, world):
    """One ticket by each writer: the owner's, the delegate's, the partner app's."""
    return {
        kind: await open_ticket(gql, world, kind, text=f"from {kind}")
        for kind in ("owner", "full_delegate", "partner_with_manage")
    }


@pytest.mark.parametrize(
    "kind", ["owner", "user", "full_delegate", "partner_with_manage", "partner_without_manage"]
)
async def test_number_support_tickets_as_owner_user_delegate_partners_shows_everyones(
    gql, world, tickets, kind
):
    result = await gql(NUMBER_TICKETS, {"m": world.number.msisdn}, token=world.tokens[kind])
    listed = result.ok()["number"]["supportTickets"]
    assert [t["messages"][0]["text"] for t in listed] == [
        "from partner_with_manage",
        "from full_delegate",
        "from owner",
    ]


@pytest.mark.parametrize(
    ("kind", "code"),
    [("topup_delegate", "FORBIDDEN"), ("stranger", "NOT_FOUND"), ("anonymous", "NOT_FOUND")],
)
async def test_number_support_tickets_as_topup_delegate_stranger_anonymous(
    gql, world, tickets, kind, code
):
    result = await gql(NUMBER_TICKETS, {"m": world.number.msisdn}, token=world.tokens[kind])
    assert result.error_codes == [code]
    if code == "FORBIDDEN":
        assert result.errors[0]["message"] == "This needs FULL access to the number."
        assert result.data["number"]["supportTickets"] is None


async def test_number_support_tickets_by_status(gql, world, tickets, services):
    owners = tickets["owner"]["id"]
    await desk.reply(int(decode(owners).node_id), "Checking.", "olga", NOW)
    token = world.tokens["owner"]
    answered = await gql(
        NUMBER_TICKETS, {"m": world.number.msisdn, "s": "PENDING_CUSTOMER"}, token=token
    )
    assert [t["id"] for t in answered.ok()["number"]["supportTickets"]] == [owners]
    waiting = await gql(
        NUMBER_TICKETS, {"m": world.number.msisdn, "s": "ACKNOWLEDGED"}, token=token
    )
    assert len(waiting.ok()["number"]["supportTickets"]) == 2


async def test_viewer_support_tickets_are_the_ones_opened_by_or_for_the_viewer(gql, world, tickets):
    def ids(result):
        return [t["id"] for t in result.ok()["viewer"]["supportTickets"]]

    # The owner's own and the one the partner app opened for them, not the delegate's.
    owner = await gql(MY_TICKETS, token=world.tokens["owner"])
    assert ids(owner) == [tickets["partner_with_manage"]["id"], tickets["owner"]["id"]]
    delegate = await gql(MY_TICKETS, token=world.tokens["full_delegate"])
    assert ids(delegate) == [tickets["full_delegate"]["id"]]
    partner = await gql(MY_TICKETS, token=world.tokens["partner_with_manage"])
    assert ids(partner) == [tickets["partner_with_manage"]["id"]]
    assert ids(await gql(MY_TICKETS, token=world.tokens["user"])) == []
    assert ids(await gql(MY_TICKETS, token=world.tokens["stranger"])) == []
    assert ids(await gql(MY_TICKETS, {"s": "CLOSED"}, token=world.tokens["owner"])) == []
    assert (await gql(MY_TICKETS)).ok() == {"viewer": None}


async def test_viewer_support_tickets_after_the_grant_is_revoked_are_gone(gql, world, tickets):
    await AccessGrant.filter(grantee_subscriber__full_name="Delegate").update(revoked_at=NOW)
    token = world.tokens["full_delegate"]
    assert (await gql(MY_TICKETS, token=token)).ok()["viewer"]["supportTickets"] == []
    found = await gql(NODE, {"id": tickets["full_delegate"]["id"]}, token=token)
    assert found.error_codes == ["NOT_FOUND"]


@pytest.mark.parametrize(
    ("kind", "visible"),
    [
        ("owner", True),
        ("user", True),
        ("full_delegate", True),
        ("partner_with_manage", True),
        ("partner_without_manage", True),
        ("topup_delegate", False),
        ("stranger", False),
        ("anonymous", False),
    ],
)
async def test_node_support_ticket_as_each_viewer_kind(gql, world, tickets, kind, visible):
    ticket_id = tickets["full_delegate"]["id"]
    result = await gql(NODE, {"id": ticket_id}, token=world.tokens[kind])
    if visible:
        assert result.ok()["node"] == {"id": ticket_id, "status": "ACKNOWLEDGED"}
    else:
        assert result.error_codes == ["NOT_FOUND"]
        assert result.errors[0]["message"] == "No object has this id."


FAMILY_TICKETS = """
{ viewer { numbers { msisdn supportTickets { status messages { text } history { toStatus } } } } }
"""


@pytest.mark.parametrize("size", [5, 500])
async def test_family_tree_with_tickets_costs_the_same_statements_for_5_and_500(gql, viewers, size):
    tree = await family.family_tree(total_numbers=size, depth=2)
    await SupportTicket.bulk_create(
        [
            SupportTicket(
                number=number,
                subscriber=tree.owner,
                topic="OTHER",
                status=TicketStatus.ACKNOWLEDGED,
                created_at=NOW,
                updated_at=NOW,
            )
            for number in tree.numbers
        ]
    )
    await TicketMessage.bulk_create(
        [
            TicketMessage(
                ticket=ticket,
                side=TicketSide.SUBSCRIBER,
                text=f"#{ticket.number_id}",
                created_at=NOW,
            )
            for ticket in await SupportTicket.all()
        ]
    )
    token = await viewers.token_for(tree.owner)
    with count_queries() as sql:
        data = (await gql(FAMILY_TICKETS, token=token)).ok()["viewer"]
    assert len(data["numbers"]) == size
    by_msisdn = {n.msisdn: n.id for n in tree.numbers}
    assert all(
        n["supportTickets"]
        == [
            {
                "status": "ACKNOWLEDGED",
                "messages": [{"text": f"#{by_msisdn[n['msisdn']]}"}],
                "history": [],
            }
        ]
        for n in data["numbers"]
    )
    # the token; the reach; every number's tickets; their messages; their status changes
    assert sql.count == 5, sql.statements


async def test_tickets_without_their_threads_skip_loading_them_and_a_fragment_still_loads(
    gql, world, tickets
):
    token = world.tokens["owner"]
    statuses = "query($m: String!) { number(msisdn: $m) { supportTickets { status } } }"
    with count_queries() as sql:
        answer = (await gql(statuses, {"m": world.number.msisdn}, token=token)).ok()
    assert len(answer["number"]["supportTickets"]) == 3
    assert sql.count == 3, sql.statements  # the token, the reach, the tickets
    through_fragment = """query($m: String!) { number(msisdn: $m) { supportTickets { ...Thread } } }
      fragment Thread on SupportTicket { messages { text } }"""
    answer = (await gql(through_fragment, {"m": world.number.msisdn}, token=token)).ok()
    assert [t["messages"] for t in answer["number"]["supportTickets"]] == [
        [{"text": "from partner_with_manage"}],
        [{"text": "from full_delegate"}],
        [{"text": "from owner"}],
    ]
