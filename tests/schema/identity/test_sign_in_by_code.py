import asyncio
from datetime import timedelta

from models import OneTimeCode
from tests.schema.identity.conftest import OWNER_PHONE
from tests.support.outbox import last_code_sent_to, sent_messages

REQUEST_CODE = """
mutation($phone: String!) { requestSignInCode(phone: $phone) { resendAfter expiresIn } }
"""
SIGN_IN = """
mutation($phone: String!, $code: String!) {
  signIn(phone: $phone, code: $code) { accessToken refreshToken expiresAt subscriber { phone } }
}
"""
VIEWER = "{ viewer { kind subscriber { phone fullName } } }"


async def test_request_code_as_known_phone_sends_a_six_digit_code(gql, owner, services, outbox):
    result = await gql(REQUEST_CODE, {"phone": "8 (999) 000-00-01"})
    assert result.ok() == {"requestSignInCode": {"resendAfter": 60, "expiresIn": 300}}
    code = await last_code_sent_to(services, outbox, OWNER_PHONE)
    assert len(code) == 6
    stored = await OneTimeCode.get(phone=OWNER_PHONE)
    assert code not in stored.code_hash  # only a keyed hash is kept


async def test_request_code_as_unknown_phone_is_answered_like_a_known_one(
    gql, owner, services, outbox
):
    known = await gql(REQUEST_CODE, {"phone": OWNER_PHONE})
    unknown = await gql(REQUEST_CODE, {"phone": "+79995550000"})
    assert unknown.body == known.body
    assert [m["to"] for m in await sent_messages(services, outbox)] == [OWNER_PHONE]


async def test_request_code_with_malformed_phone_is_bad_user_input(gql):
    result = await gql(REQUEST_CODE, {"phone": "call me"})
    assert result.error_codes == ["BAD_USER_INPUT"]


async def test_sign_in_with_the_code_returns_tokens_that_identify_the_viewer(
    gql, owner, services, outbox
):
    await gql(REQUEST_CODE, {"phone": OWNER_PHONE})
    code = await last_code_sent_to(services, outbox, OWNER_PHONE)
    payload = (await gql(SIGN_IN, {"phone": OWNER_PHONE, "code": code})).ok()["signIn"]
    assert payload["subscriber"] == {"phone": OWNER_PHONE}
    assert payload["accessToken"].startswith("kat_")
    viewer = (await gql(VIEWER, token=payload["accessToken"])).ok()["viewer"]
    assert viewer == {
        "kind": "SUBSCRIBER",
        "subscriber": {"phone": OWNER_PHONE, "fullName": "Анна"},
    }


async def test_resend_within_a_minute_is_rate_limited(gql, owner):
    await gql(REQUEST_CODE, {"phone": OWNER_PHONE})
    again = await gql(REQUEST_CODE, {"phone": OWNER_PHONE})
    assert again.error_codes == ["RATE_LIMITED"]
    assert 0 < again.errors[0]["extensions"]["retryAfter"] <= 60


async def test_eleventh_code_in_a_day_is_rate_limited(gql, owner, services):
    for _ in range(10):
        assert not (await gql(REQUEST_CODE, {"phone": OWNER_PHONE})).errors
        await services.counters.delete(f"code-cooldown:SIGN_IN:{OWNER_PHONE}")
    refused = await gql(REQUEST_CODE, {"phone": OWNER_PHONE})
    assert refused.error_codes == ["RATE_LIMITED"]
    assert refused.errors[0]["extensions"]["retryAfter"] > 3600


async def test_expired_code_is_refused(gql, owner, services, outbox):
    await gql(REQUEST_CODE, {"phone": OWNER_PHONE})
    code = await last_code_sent_to(services, outbox, OWNER_PHONE)
    real_clock = services.clock
    services.clock = lambda: real_clock() + timedelta(minutes=5, seconds=1)
    result = await gql(SIGN_IN, {"phone": OWNER_PHONE, "code": code})
    assert result.error_codes == ["UNAUTHENTICATED"]


async def test_sixth_try_on_one_code_is_refused_even_when_right(gql, owner, services, outbox):
    await gql(REQUEST_CODE, {"phone": OWNER_PHONE})
    code = await last_code_sent_to(services, outbox, OWNER_PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert (await gql(SIGN_IN, {"phone": OWNER_PHONE, "code": wrong})).errors
    result = await gql(SIGN_IN, {"phone": OWNER_PHONE, "code": code})
    assert result.error_codes == ["UNAUTHENTICATED"]


async def test_fifth_try_with_the_right_code_still_works(gql, owner, services, outbox):
    await gql(REQUEST_CODE, {"phone": OWNER_PHONE})
    code = await last_code_sent_to(services, outbox, OWNER_PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        await gql(SIGN_IN, {"phone": OWNER_PHONE, "code": wrong})
    assert (await gql(SIGN_IN, {"phone": OWNER_PHONE, "code": code})).ok()


async def test_a_code_signs_in_once(gql, owner, services, outbox):
    await gql(REQUEST_CODE, {"phone": OWNER_PHONE})
    code = await last_code_sent_to(services, outbox, OWNER_PHONE)
    assert (await gql(SIGN_IN, {"phone": OWNER_PHONE, "code": code})).ok()
    again = await gql(SIGN_IN, {"phone": OWNER_PHONE, "code": code})
    assert again.error_codes == ["UNAUTHENTICATED"]


async def test_a_newer_code_replaces_the_older_one(gql, owner, services, outbox):
    await gql(REQUEST_CODE, {"phone": OWNER_PHONE})
    first = await last_code_sent_to(services, outbox, OWNER_PHONE)
    await services.counters.delete(f"code-cooldown:SIGN_IN:{OWNER_PHONE}")
    await gql(REQUEST_CODE, {"phone": OWNER_PHONE})
    second = await last_code_sent_to(services, outbox, OWNER_PHONE)
    if first != second:
        assert (await gql(SIGN_IN, {"phone": OWNER_PHONE, "code": first})).errors
    assert (await gql(SIGN_IN, {"phone": OWNER_PHONE, "code": second})).ok()
    # ...and the older code stays dead after the newer one was used.
    await services.counters.delete(f"code-cooldown:SIGN_IN:{OWNER_PHONE}")
    stale = await gql(SIGN_IN, {"phone": OWNER_PHONE, "code": first})
    assert stale.error_codes == ["UNAUTHENTICATED"]


async def test_code_for_unknown_phone_never_signs_in(gql, services):
    await gql(REQUEST_CODE, {"phone": "+79995550000"})
    for guess in ("000000", "123456"):
        result = await gql(SIGN_IN, {"phone": "+79995550000", "code": guess})
        assert result.error_codes == ["UNAUTHENTICATED"]


class BrokenSms:
    async def send(self, to: str, text: str) -> None:
        from resolvers.services import SmsDeliveryError

        raise SmsDeliveryError("SMS provider sms.test did not accept the message (HTTP 503)")


async def test_failed_sms_delivery_is_audited_and_does_not_shape_the_answer(gql, owner, services):
    from models import AuditEvent

    services.sms = BrokenSms()
    result = await gql(REQUEST_CODE, {"phone": OWNER_PHONE})
    assert result.ok() == {"requestSignInCode": {"resendAfter": 60, "expiresIn": 300}}
    await services.background.drain()
    failure = await AuditEvent.get(event="code_sent")
    assert failure.outcome == "delivery_failed"
    assert "HTTP 503" in failure.detail


async def test_a_burst_of_parallel_code_requests_sends_one_code(gql, owner, services, outbox):
    results = await asyncio.gather(*[gql(REQUEST_CODE, {"phone": OWNER_PHONE}) for _ in range(20)])
    assert sum(1 for r in results if not r.errors) == 1
    assert {c for r in results for c in r.error_codes} == {"RATE_LIMITED"}
    assert len(await sent_messages(services, outbox)) == 1
