"""requestEmailConfirmation and confirmEmail: an address gets nothing but its code until
the code comes back."""

from __future__ import annotations

import re

import pytest

from models import EmailConfirmation, NotificationTopic
from resolvers.notifications import notify
from resolvers.notifications.delivery import deliver_due
from tests.schema.notifications.world import household, partner_token
from tests.support.outbox import body_of, sent_emails

REQUEST = """
mutation($email: String!) { requestEmailConfirmation(email: $email) {
  email resendAfter expiresIn
} }
"""
CONFIRM = """
mutation($code: String!) { confirmEmail(code: $code) {
  contactEmail contactEmailConfirmed contactEmailConfirmedAt
} }
"""


@pytest.fixture
async def world():
    return await household()


async def code_sent_to(services, settings, address: str) -> str:
    await deliver_due(services)
    letters = sent_emails(settings.email_outbox_dir, to=address)
    assert letters, f"no e-mail to {address}"
    match = re.search(r"\b(\d{6})\b", body_of(letters[-1]))
    assert match
    return match.group(1)


async def test_a_subscriber_confirms_an_address_and_then_gets_e_mail_there(
    gql, viewers, services, settings, world
):
    token = await viewers.token_for(world.anna)
    asked = await gql(REQUEST, {"email": " Anna@Example.ORG "}, token=token)
    assert asked.ok()["requestEmailConfirmation"] == {
        "email": "Anna@example.org",
        "resendAfter": 60,
        "expiresIn": 1800,
    }
    code = await code_sent_to(services, settings, "Anna@example.org")
    [letter] = sent_emails(settings.email_outbox_dir)
    assert letter["Subject"] == "Подтверждение адреса для личного кабинета"

    await notify(world.anna.id, NotificationTopic.TICKETS, "Ответ", "not yet: unconfirmed")
    await deliver_due(services)
    assert len(sent_emails(settings.email_outbox_dir)) == 1

    confirmed = (await gql(CONFIRM, {"code": code}, token=token)).ok()["confirmEmail"]
    assert confirmed["contactEmail"] == "Anna@example.org"
    assert confirmed["contactEmailConfirmed"] is True
    assert confirmed["contactEmailConfirmedAt"]

    await notify(world.anna.id, NotificationTopic.TICKETS, "Ответ", "Ваше обращение решено")
    await deliver_due(services)
    assert body_of(sent_emails(settings.email_outbox_dir)[-1]).strip() == "Ваше обращение решено"


async def test_a_wrong_code_spends_a_try_and_five_wrong_tries_end_the_code(
    gql, viewers, services, settings, world
):
    token = await viewers.token_for(world.anna)
    await gql(REQUEST, {"email": "anna@example.org"}, token=token)
    code = await code_sent_to(services, settings, "anna@example.org")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        result = await gql(CONFIRM, {"code": wrong}, token=token)
        assert result.error_codes == ["BAD_USER_INPUT"]
        assert result.errors[0]["message"] == "The code is wrong or has expired: ask for a new one."
    late = await gql(CONFIRM, {"code": code}, token=token)
    assert late.error_codes == ["BAD_USER_INPUT"]


async def test_a_code_is_someone_elses_to_use_only_by_them(gql, viewers, services, settings, world):
    await gql(REQUEST, {"email": "anna@example.org"}, token=await viewers.token_for(world.anna))
    code = await code_sent_to(services, settings, "anna@example.org")
    stolen = await gql(CONFIRM, {"code": code}, token=await viewers.token_for(world.stranger))
    assert stolen.error_codes == ["BAD_USER_INPUT"]


async def test_an_expired_code_is_refused(gql, viewers, services, settings, world):
    token = await viewers.token_for(world.anna)
    await gql(REQUEST, {"email": "anna@example.org"}, token=token)
    code = await code_sent_to(services, settings, "anna@example.org")
    await EmailConfirmation.all().update(expires_at=services.clock())
    assert (await gql(CONFIRM, {"code": code}, token=token)).error_codes == ["BAD_USER_INPUT"]


async def test_a_new_address_replaces_the_old_until_confirmed(
    gql, viewers, services, settings, world
):
    token = await viewers.token_for(world.anna)
    await gql(REQUEST, {"email": "anna@example.org"}, token=token)
    await gql(
        CONFIRM, {"code": await code_sent_to(services, settings, "anna@example.org")}, token=token
    )
    await services.counters.delete(f"email-code-cooldown:{world.anna.id}")
    await gql(REQUEST, {"email": "anna@work.example"}, token=token)
    me = await gql("{ viewer { subscriber { contactEmail contactEmailConfirmed } } }", token=token)
    assert me.ok()["viewer"]["subscriber"] == {
        "contactEmail": "anna@work.example",
        "contactEmailConfirmed": False,
    }


async def test_asking_again_within_a_minute_is_rate_limited(gql, viewers, world):
    token = await viewers.token_for(world.anna)
    assert (await gql(REQUEST, {"email": "anna@example.org"}, token=token)).ok()
    again = await gql(REQUEST, {"email": "anna@example.org"}, token=token)
    assert again.error_codes == ["RATE_LIMITED"]
    assert 1 <= again.errors[0]["extensions"]["retryAfter"] <= 60


async def test_five_codes_a_day(gql, viewers, services, world):
    token = await viewers.token_for(world.anna)
    for _ in range(5):
        assert (await gql(REQUEST, {"email": "anna@example.org"}, token=token)).ok()
        await services.counters.delete(f"email-code-cooldown:{world.anna.id}")
    sixth = await gql(REQUEST, {"email": "anna@example.org"}, token=token)
    assert sixth.error_codes == ["RATE_LIMITED"]
    assert sixth.errors[0]["message"] == "Too many confirmation codes today."


@pytest.mark.parametrize(
    "email",
    [
        "",
        "anna",
        "anna@",
        "anna@example",
        "Анна <anna@example.org>",
        "anna@example.org\nBcc: all@example.org",
        "an na@example.org",
        "a" * 65 + "@example.org",
        "anna@" + "e" * 250 + ".org",
    ],
)
async def test_a_malformed_address_is_bad_input(gql, viewers, world, email):
    result = await gql(REQUEST, {"email": email}, token=await viewers.token_for(world.anna))
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == "email"


async def test_a_partner_app_and_anonymous_have_no_contact_email(gql, viewers, world):
    token = await partner_token(viewers, world)
    for document, variables in ((REQUEST, {"email": "a@example.org"}), (CONFIRM, {"code": "1"})):
        assert (await gql(document, variables, token=token)).error_codes == ["UNAUTHENTICATED"]
        assert (await gql(document, variables)).error_codes == ["UNAUTHENTICATED"]
