"""sendSms: free SMS from a number the viewer manages to a number of the operator."""

from __future__ import annotations

import pytest

from models import Notification, NumberStatus
from resolvers.notifications.delivery import deliver_due
from tests.schema.notifications.world import household, partner_token
from tests.support import family
from tests.support.outbox import sent_messages

SEND = """
mutation($from: String!, $to: String!, $text: String!) {
  sendSms(fromMsisdn: $from, to: $to, text: $text) { to sentToday dailyLimit }
}
"""


@pytest.fixture
async def world():
    return await household()


def sms(world, text="Забери меня в 5", to=None, sender=None):
    return {
        "from": (sender or world.number).msisdn,
        "to": to or world.annas.msisdn,
        "text": text,
    }


async def test_the_user_sends_a_free_sms_to_an_operators_number(
    gql, viewers, services, settings, world
):
    result = await gql(SEND, sms(world), token=await viewers.token_for(world.petya))
    assert result.ok()["sendSms"] == {"to": world.annas.msisdn, "sentToday": 1, "dailyLimit": 50}
    await deliver_due(services)
    [message] = await sent_messages(services, settings.sms_outbox_path)
    assert message["to"] == world.annas.msisdn
    assert message["text"] == f"Забери меня в 5\n— {world.number.msisdn}"


@pytest.mark.parametrize("who", ["anna", "granny"])
async def test_the_owner_and_a_full_delegate_may_send_from_the_number(gql, viewers, world, who):
    token = await viewers.token_for(getattr(world, who))
    assert (await gql(SEND, sms(world), token=token)).ok()["sendSms"]["sentToday"] == 1


async def test_a_topup_delegate_is_forbidden(gql, viewers, world):
    result = await gql(SEND, sms(world), token=await viewers.token_for(world.uncle))
    assert result.error_codes == ["FORBIDDEN"]
    assert await Notification.all().count() == 0


async def test_a_stranger_gets_not_found_like_for_a_number_that_does_not_exist(gql, viewers, world):
    token = await viewers.token_for(world.stranger)
    for sender in (world.number.msisdn, "+79995550000"):
        result = await gql(SEND, {**sms(world), "from": sender}, token=token)
        assert result.error_codes == ["NOT_FOUND"]
    assert await Notification.all().count() == 0


async def test_a_partner_app_is_forbidden_even_with_full_and_manage(gql, viewers, world):
    result = await gql(SEND, sms(world), token=await partner_token(viewers, world))
    assert result.error_codes == ["FORBIDDEN"]
    assert "Only a subscriber sends SMS" in result.errors[0]["message"]


async def test_anonymous_is_unauthenticated(gql, world):
    assert (await gql(SEND, sms(world))).error_codes == ["UNAUTHENTICATED"]


async def test_only_to_numbers_of_the_operator(gql, viewers, world):
    result = await gql(
        SEND, sms(world, to="+14155550100"), token=await viewers.token_for(world.petya)
    )
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["message"] == "Free SMS go only to numbers of this operator."
    assert result.errors[0]["extensions"]["field"] == "to"


@pytest.mark.parametrize(
    ("text", "to", "field"),
    [
        ("", None, "text"),
        ("   ", None, "text"),
        ("я" * 301, None, "text"),
        ("hi", "not a phone", "to"),
    ],
)
async def test_bad_input_names_the_field(gql, viewers, world, text, to, field):
    result = await gql(
        SEND, sms(world, text=text, to=to), token=await viewers.token_for(world.petya)
    )
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == field


async def test_to_itself_is_bad_input(gql, viewers, world):
    result = await gql(
        SEND, sms(world, to=world.number.msisdn), token=await viewers.token_for(world.petya)
    )
    assert result.error_codes == ["BAD_USER_INPUT"]


async def test_a_blocked_number_cannot_send(gql, viewers, world):
    world.number.status = NumberStatus.BLOCKED
    await world.number.save()
    result = await gql(SEND, sms(world), token=await viewers.token_for(world.petya))
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["message"] == "A blocked or closed number cannot send SMS."


async def test_the_daily_limit_is_per_sending_number_whoever_sends(gql, viewers, services, world):
    services.free_sms_daily_limit = 3
    petya, granny = (await viewers.token_for(world.petya), await viewers.token_for(world.granny))
    for token in (petya, granny, petya):
        assert (await gql(SEND, sms(world), token=token)).ok()
    over = await gql(SEND, sms(world), token=granny)
    assert over.error_codes == ["RATE_LIMITED"]
    assert over.errors[0]["message"] == "This number has sent its 3 free SMS for today."
    assert over.errors[0]["extensions"]["retryAfter"] > 86000
    # Another number of the same people has its own allowance.
    other = await family.number(await family.account(world.anna), user=world.petya)
    assert (await gql(SEND, sms(world, sender=other), token=petya)).ok()
    assert await Notification.all().count() == 4
