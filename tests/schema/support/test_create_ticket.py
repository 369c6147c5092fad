"""createSupportTicket as each viewer kind, its text rules and the open-ticket limit."""

import pytest

from models import Account, SupportTicket, TicketMessage
from resolvers.support.tickets import MAX_OPEN_TICKETS
from tests.schema.support.world import CREATE, NOW, build_world, open_ticket


@pytest.fixture
async def world(viewers, services):
    services.clock = lambda: NOW
    return await build_world(viewers)


def ticket_input(world, text="No data since noon.", topic="NETWORK", msisdn=None):
    return {"input": {"msisdn": msisdn or world.number.msisdn, "topic": topic, "text": text}}


async def test_create_support_ticket_as_owner_is_acknowledged_with_its_text(gql, world):
    ticket = await open_ticket(gql, world, "owner")
    assert ticket["msisdn"] == world.number.msisdn
    assert ticket["topic"] == "NETWORK"
    assert ticket["status"] == "ACKNOWLEDGED"
    assert ticket["messages"] == [
        {"side": "SUBSCRIBER", "text": "No data since noon.", "writtenByViewer": True}
    ]
    assert ticket["history"] == [
        {"fromStatus": None, "toStatus": "ACKNOWLEDGED", "side": "SUBSCRIBER"}
    ]
    stored = await SupportTicket.get()
    assert stored.subscriber_id == (await Account.get(id=world.number.account_id)).owner_id
    assert stored.created_at == NOW


@pytest.mark.parametrize("kind", ["user", "full_delegate"])
async def test_create_support_ticket_as_user_and_full_delegate_is_theirs(gql, world, kind):
    ticket = await open_ticket(gql, world, kind)
    assert ticket["status"] == "ACKNOWLEDGED"
    stored = await SupportTicket.get()
    author = await TicketMessage.get()
    assert stored.subscriber_id == author.author_subscriber_id
    assert stored.opened_by_partner_id is None


async def test_create_support_ticket_as_partner_with_manage_is_for_the_owner(gql, world):
    ticket = await open_ticket(gql, world, "partner_with_manage")
    assert ticket["messages"][0]["writtenByViewer"] is True
    stored = await SupportTicket.get().prefetch_related("number__account")
    assert stored.opened_by_partner_id is not None
    # The operator answers (and tells) the number's owner.
    assert stored.subscriber_id == stored.number.account.owner_id


@pytest.mark.parametrize(
    ("kind", "code", "message"),
    [
        ("topup_delegate", "FORBIDDEN", "This needs FULL access to the number."),
        ("partner_without_manage", "FORBIDDEN", "This needs the manage scope on the app's token."),
        ("stranger", "NOT_FOUND", "No such number."),
        ("anonymous", "UNAUTHENTICATED", "Sign in first."),
    ],
)
async def test_create_support_ticket_as_topup_delegate_partner_without_manage_stranger_anonymous(
    gql, world, kind, code, message
):
    result = await gql(CREATE, ticket_input(world), token=world.tokens[kind])
    assert result.error_codes == [code]
    assert result.errors[0]["message"] == message
    assert not await SupportTicket.exists()


async def test_create_support_ticket_on_a_number_that_does_not_exist_is_not_found(gql, world):
    result = await gql(
        CREATE, ticket_input(world, msisdn="+79000000000"), token=world.tokens["owner"]
    )
    assert result.error_codes == ["NOT_FOUND"]


async def test_create_support_ticket_keeps_markup_as_written_and_trims_the_ends(gql, world):
    text = "  <b>Bold?</b> <script>alert(1)</script>\n\tsecond line & «quotes»  \n"
    ticket = await open_ticket(gql, world, text=text)
    assert ticket["messages"][0]["text"] == text.strip()
    assert (await TicketMessage.get()).text == text.strip()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write what happened: the text is empty."),
        (" \n\t ", "Write what happened: the text is empty."),
        ("x" * 4001, "The text is 4001 characters long: at most 4000."),
        (
            "bell\x07",
            "The text must not contain control characters (line breaks and tabs are fine).",
        ),
        (
            "escape \x1b[31m red",
            "The text must not contain control characters (line breaks and tabs are fine).",
        ),
        (
            "c1 \x85 next line",
            "The text must not contain control characters (line breaks and tabs are fine).",
        ),
    ],
)
async def test_create_support_ticket_with_bad_text_is_bad_input(gql, world, text, message):
    result = await gql(CREATE, ticket_input(world, text=text), token=world.tokens["owner"])
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["message"] == message
    assert result.errors[0]["extensions"]["field"] == "text"
    assert not await SupportTicket.exists()


async def test_create_support_ticket_of_4000_characters_after_trimming_is_kept(gql, world):
    ticket = await open_ticket(gql, world, text=" " + "я" * 4000 + " ")
    assert len(ticket["messages"][0]["text"]) == 4000


async def test_create_support_ticket_with_nul_or_unknown_topic_is_bad_input(gql, world):
    token = world.tokens["owner"]
    with_nul = await gql(CREATE, ticket_input(world, text="a\x00b"), token=token)
    assert with_nul.error_codes == ["BAD_USER_INPUT"]
    unknown = await gql(CREATE, ticket_input(world, topic="COMPLAINT"), token=token)
    assert unknown.status_code in (200, 400)
    assert unknown.errors and not await SupportTicket.exists()


async def test_create_support_ticket_beyond_the_open_limit_is_a_conflict(gql, world):
    ids = [(await open_ticket(gql, world, "user"))["id"] for _ in range(MAX_OPEN_TICKETS)]
    refused = await gql(CREATE, ticket_input(world), token=world.tokens["user"])
    assert refused.error_codes == ["CONFLICT"]
    assert refused.errors[0]["extensions"]["reason"] == "TOO_MANY_OPEN_TICKETS"
    assert refused.errors[0]["message"] == (
        "There are already 5 open tickets: wait for an answer, or close one you no longer need."
    )
    # Another subscriber's limit is their own.
    assert (await open_ticket(gql, world, "owner"))["status"] == "ACKNOWLEDGED"
    close = "mutation($id: ID!) { closeSupportTicket(ticketId: $id) { status } }"
    (await gql(close, {"id": ids[0]}, token=world.tokens["user"])).ok()
    assert (await open_ticket(gql, world, "user"))["status"] == "ACKNOWLEDGED"
