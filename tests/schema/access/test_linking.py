from tests.support import family
from tests.support.outbox import last_code_sent_to, sent_messages

LINK = "mutation($m: String!) { linkNumber(msisdn: $m) { resendAfter expiresIn } }"
CONFIRM = """
mutation($m: String!, $c: String!) { confirmLinkNumber(msisdn: $m, code: $c) {
  level source active } }
"""
UNLINK = "mutation($m: String!) { unlinkNumber(msisdn: $m) { revokedGrants } }"
MY_NUMBERS = "{ viewer { numbers { msisdn accessLevel } } }"


async def relatives():
    grandma = await family.subscriber("Бабушка")
    number = await family.number(await family.account(grandma), user=grandma)
    grandson = await family.subscriber("Внук")
    return number, grandson


async def test_link_number_as_relative_with_the_holders_code_gives_full_access(
    gql, viewers, services, settings
):
    number, grandson = await relatives()
    token = await viewers.token_for(grandson)
    assert (await gql(LINK, {"m": number.msisdn}, token=token)).ok()["linkNumber"] == {
        "resendAfter": 60,
        "expiresIn": 300,
    }
    code = await last_code_sent_to(services, settings.sms_outbox_path, number.msisdn)
    message = (await sent_messages(services, settings.sms_outbox_path))[-1]["text"]
    assert grandson.phone in message  # the holder learns who asks
    linked = (await gql(CONFIRM, {"m": number.msisdn, "c": code}, token=token)).ok()
    assert linked["confirmLinkNumber"] == {"level": "FULL", "source": "LINK", "active": True}
    numbers = (await gql(MY_NUMBERS, token=token)).ok()["viewer"]["numbers"]
    assert numbers == [{"msisdn": number.msisdn, "accessLevel": "FULL"}]

    assert (await gql(UNLINK, {"m": number.msisdn}, token=token)).ok() == {
        "unlinkNumber": {"revokedGrants": 1}
    }
    assert (await gql(MY_NUMBERS, token=token)).ok()["viewer"]["numbers"] == []


async def test_link_code_cannot_be_used_by_someone_else(gql, viewers, services, settings):
    number, grandson = await relatives()
    await gql(LINK, {"m": number.msisdn}, token=await viewers.token_for(grandson))
    code = await last_code_sent_to(services, settings.sms_outbox_path, number.msisdn)
    thief = await family.subscriber("Thief")
    result = await gql(
        CONFIRM, {"m": number.msisdn, "c": code}, token=await viewers.token_for(thief)
    )
    assert result.error_codes == ["BAD_USER_INPUT"]


async def test_wrong_link_code_is_refused(gql, viewers, services, settings):
    number, grandson = await relatives()
    token = await viewers.token_for(grandson)
    await gql(LINK, {"m": number.msisdn}, token=token)
    code = await last_code_sent_to(services, settings.sms_outbox_path, number.msisdn)
    wrong = "000000" if code != "000000" else "111111"
    assert (await gql(CONFIRM, {"m": number.msisdn, "c": wrong}, token=token)).error_codes == [
        "BAD_USER_INPUT"
    ]


async def test_link_unknown_number_is_answered_the_same_and_sends_nothing(
    gql, viewers, services, settings
):
    number, grandson = await relatives()
    token = await viewers.token_for(grandson)
    known = await gql(LINK, {"m": number.msisdn}, token=token)
    unknown = await gql(LINK, {"m": "+79995550000"}, token=token)
    assert unknown.body == known.body
    sent = await sent_messages(services, settings.sms_outbox_path)
    assert [m["to"] for m in sent] == [number.msisdn]


async def test_link_resend_is_rate_limited_like_sign_in_codes(gql, viewers):
    number, grandson = await relatives()
    token = await viewers.token_for(grandson)
    await gql(LINK, {"m": number.msisdn}, token=token)
    assert (await gql(LINK, {"m": number.msisdn}, token=token)).error_codes == ["RATE_LIMITED"]


async def test_unlink_without_a_link_is_not_found(gql, viewers):
    number, grandson = await relatives()
    result = await gql(UNLINK, {"m": number.msisdn}, token=await viewers.token_for(grandson))
    assert result.error_codes == ["NOT_FOUND"]


async def test_link_as_anonymous_is_unauthenticated(gql):
    assert (await gql(LINK, {"m": "+79990000001"})).error_codes == ["UNAUTHENTICATED"]
