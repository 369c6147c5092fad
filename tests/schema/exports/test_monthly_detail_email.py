"""The monthly detail by e-mail: setMonthlyDetailEmail and Number.monthlyDetailEmail as
each viewer kind, and the monthly job: sent once per month to the subscriber's confirmed
contact e-mail as it is then, even with two workers at once, never for a number the
subscriber no longer sees nor to an address they have not confirmed, retried when the mail
server refuses."""

import asyncio
import email
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from models import MonthlyDetailEmail, MonthlyDetailSend, Subscriber
from resolvers.demo.seed import DEMO_EMAIL, seed_demo
from resolvers.exports.monthly import LEASE, send_monthly_details
from resolvers.notifications.delivery import deliver_due
from resolvers.services import EmailDeliveryError
from tests.schema.exports.world import NOW, OWNER_NAME, TOTAL, build_world
from tests.support import family
from tests.support.outbox import body_of, sent_emails
from tests.support.queries import count_queries

SET = """
mutation($msisdn: String!, $enabled: Boolean!) {
  setMonthlyDetailEmail(msisdn: $msisdn, enabled: $enabled) {
    enabled email number { monthlyDetailEmail } } }
"""
READ = "query($msisdn: String!) { number(msisdn: $msisdn) { monthlyDetailEmail } }"
REQUEST_CONFIRMATION = (
    "mutation($email: String!) { requestEmailConfirmation(email: $email) { email } }"
)
CONFIRM = "mutation($code: String!) { confirmEmail(code: $code) { contactEmailConfirmed } }"
ADDRESSES = {"owner": "anna@example.ru", "full_delegate": "d@example.ru"}


@pytest.fixture
async def world(viewers, services):
    services.clock = lambda: NOW
    world = await build_world(viewers)
    for kind, address in ADDRESSES.items():  # confirmed long ago
        await Subscriber.filter(id=world.subscribers[kind].id).update(
            contact_email=address, contact_email_confirmed_at=NOW - timedelta(days=30)
        )
    return world


def opt_in(world, enabled=True):
    return {"msisdn": world.number.msisdn, "enabled": enabled}


async def code_sent_to(services, settings, address):
    """The confirmation code in the letter the notification outbox sent to the address."""
    await deliver_due(services, now=datetime.now(UTC))  # the outbox keeps the real time
    [letter] = sent_emails(settings.email_outbox_dir, to=address)
    return re.search(r"\b(\d{6})\b", body_of(letter)).group(1)


async def asked_in_november(world):
    """Every wish made so far, as if made in the middle of November."""
    await MonthlyDetailEmail.all().update(created_at=NOW - timedelta(days=14))


def mails(settings) -> list[email.message.EmailMessage]:
    """The monthly detail letters sent so far (not the confirmation codes)."""
    letters = sent_emails(settings.email_outbox_dir)
    return [letter for letter in letters if letter["Subject"].startswith("Детализация")]


@pytest.mark.parametrize("kind", ["owner", "full_delegate"])
async def test_set_monthly_detail_email_as_owner_and_full_delegate(gql, world, kind):
    token = world.tokens[kind]
    assert (await gql(READ, {"msisdn": world.number.msisdn}, token=token)).ok() == {
        "number": {"monthlyDetailEmail": False}
    }
    on = (await gql(SET, opt_in(world), token=token)).ok()["setMonthlyDetailEmail"]
    assert on == {
        "enabled": True,
        "email": ADDRESSES[kind],
        "number": {"monthlyDetailEmail": True},
    }
    again = (await gql(SET, opt_in(world), token=token)).ok()["setMonthlyDetailEmail"]
    assert again == on
    assert await MonthlyDetailEmail.all().count() == 1
    off = (await gql(SET, opt_in(world, enabled=False), token=token)).ok()["setMonthlyDetailEmail"]
    assert off == {"enabled": False, "email": None, "number": {"monthlyDetailEmail": False}}
    assert await MonthlyDetailEmail.all().count() == 0


async def test_set_monthly_detail_email_as_topup_delegate_is_forbidden(gql, world):
    result = await gql(SET, opt_in(world), token=world.tokens["topup_delegate"])
    assert result.error_codes == ["FORBIDDEN"]


async def test_set_monthly_detail_email_as_stranger_is_not_found(gql, world):
    result = await gql(SET, opt_in(world), token=world.tokens["stranger"])
    assert result.error_codes == ["NOT_FOUND"]


async def test_set_monthly_detail_email_as_partner_is_forbidden(gql, world):
    result = await gql(SET, opt_in(world), token=world.tokens["partner_with_usage"])
    assert result.error_codes == ["FORBIDDEN"]
    assert await MonthlyDetailEmail.all().count() == 0


async def test_set_monthly_detail_email_with_an_address_of_ones_own_choosing_is_invalid(gql, world):
    typed = """mutation($msisdn: String!) {
      setMonthlyDetailEmail(msisdn: $msisdn, enabled: true, email: "x@example.ru") { enabled } }"""
    result = await gql(typed, {"msisdn": world.number.msisdn}, token=world.tokens["owner"])
    assert result.errors and "email" in result.errors[0]["message"]
    assert await MonthlyDetailEmail.all().count() == 0


@pytest.mark.parametrize("contact", ["none", "asked_for_but_not_confirmed"])
async def test_set_monthly_detail_email_as_owner_without_a_confirmed_address_is_a_conflict(
    gql, world, contact
):
    owner = world.subscribers["owner"]
    address = "anna@example.ru" if contact != "none" else None
    await Subscriber.filter(id=owner.id).update(
        contact_email=address, contact_email_confirmed_at=None
    )
    result = await gql(SET, opt_in(world), token=world.tokens["owner"])
    assert result.error_codes == ["CONFLICT"]
    assert result.errors[0]["extensions"]["reason"] == "EMAIL_NOT_CONFIRMED"
    assert "Confirm a contact e-mail first" in result.errors[0]["message"]
    assert await MonthlyDetailEmail.all().count() == 0
    off = (await gql(SET, opt_in(world, enabled=False), token=world.tokens["owner"])).ok()
    assert off["setMonthlyDetailEmail"]["enabled"] is False  # switching off needs no address


async def test_the_monthly_job_sends_last_months_pdf_once(gql, services, settings, world):
    (await gql(SET, opt_in(world), token=world.tokens["owner"])).ok()
    await asked_in_november(world)
    [sent] = await send_monthly_details(services, NOW)
    assert sent.status == "sent"
    [mail] = mails(settings)
    assert mail["To"] == "anna@example.ru"
    assert world.number.msisdn in mail["Subject"] and "11.2026" in mail["Subject"]
    [attachment] = [part for part in mail.walk() if part.get_filename()]
    assert attachment.get_filename().endswith("-2026-11.pdf")
    text = "".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(attachment.get_payload(decode=True))).pages
    )
    assert OWNER_NAME in text and f"{TOTAL} ₽" in text
    assert await send_monthly_details(services, NOW) == []  # run again: nothing twice
    assert await send_monthly_details(services, NOW + timedelta(days=20)) == []
    assert len(mails(settings)) == 1
    send = await MonthlyDetailSend.get()
    assert (send.month, send.locked_until) == ("2026-11", None)


async def test_two_workers_at_once_send_the_month_once(gql, services, settings, world):
    (await gql(SET, opt_in(world), token=world.tokens["owner"])).ok()
    (await gql(SET, opt_in(world), token=world.tokens["full_delegate"])).ok()
    await asked_in_november(world)
    first, second = await asyncio.gather(
        send_monthly_details(services, NOW), send_monthly_details(services, NOW)
    )
    assert sorted(s.status for s in first + second) == ["sent", "sent"]
    assert sorted(mail["To"] for mail in mails(settings)) == ["anna@example.ru", "d@example.ru"]
    assert await MonthlyDetailSend.all().count() == 2


async def test_a_wish_made_this_month_waits_for_next_month(gql, services, settings, world):
    (await gql(SET, opt_in(world), token=world.tokens["owner"])).ok()  # made on 2 December
    assert await send_monthly_details(services, NOW) == []
    [sent] = await send_monthly_details(services, datetime(2027, 1, 1, 6, tzinfo=NOW.tzinfo))
    assert sent.status == "sent" and "2026-12" in sent.detail


async def test_after_the_grant_was_revoked_nothing_is_sent(gql, services, settings, world):
    token = world.tokens["full_delegate"]
    (await gql(SET, opt_in(world), token=token)).ok()
    await asked_in_november(world)
    world.full_grant.revoked_at = NOW - timedelta(days=1)
    await world.full_grant.save(update_fields=["revoked_at"])
    [skipped] = await send_monthly_details(services, NOW)
    assert skipped.status == "skipped"
    assert mails(settings) == []
    assert await send_monthly_details(services, NOW + timedelta(hours=1)) == []


async def test_an_address_changed_after_opting_in_gets_nothing_until_confirmed(
    gql, services, settings, world
):
    token = world.tokens["owner"]
    (await gql(SET, opt_in(world), token=token)).ok()
    await asked_in_november(world)
    # A new address asked for and not confirmed: the old one is no longer the contact e-mail.
    (await gql(REQUEST_CONFIRMATION, {"email": "new@example.org"}, token=token)).ok()
    [skipped] = await send_monthly_details(services, NOW)
    assert skipped.status == "skipped" and "no confirmed e-mail" in skipped.detail
    assert mails(settings) == []
    send = await MonthlyDetailSend.get()
    assert (send.month, send.locked_until, send.sent_at) == ("2026-11", None, None)
    assert send.outcome == "no confirmed contact e-mail: not sent"
    assert await send_monthly_details(services, NOW + LEASE * 3) == []  # recorded, not retried
    # The wish stays: once the new address is confirmed, next month's detail goes there.
    code = await code_sent_to(services, settings, "new@example.org")
    (await gql(CONFIRM, {"code": code}, token=token)).ok()
    [sent] = await send_monthly_details(services, datetime(2027, 1, 1, 6, tzinfo=NOW.tzinfo))
    assert sent.status == "sent" and "2026-12" in sent.detail
    [mail] = mails(settings)
    assert mail["To"] == "new@example.org"


class RefusingServer:
    def __init__(self) -> None:
        self.tries = 0

    async def send(self, message) -> None:
        self.tries += 1
        raise EmailDeliveryError("SMTP server mail.test:587 did not accept the message")


async def test_a_refused_mail_is_tried_again_after_the_claim_lapses(gql, services, settings, world):
    (await gql(SET, opt_in(world), token=world.tokens["owner"])).ok()
    await asked_in_november(world)
    real, services.email = services.email, RefusingServer()
    [refused] = await send_monthly_details(services, NOW)
    assert refused.status == "retry"
    assert await send_monthly_details(services, NOW + LEASE / 2) == []  # still claimed
    services.email = real
    [sent] = await send_monthly_details(services, NOW + LEASE + timedelta(seconds=1))
    assert sent.status == "sent"
    assert len(mails(settings)) == 1


FAMILY_TREE_WITH_MONTHLY_EMAIL = """
{ viewer { accounts { numbers { msisdn monthlyDetailEmail }
  children { numbers { msisdn monthlyDetailEmail } } } } }
"""


@pytest.mark.parametrize("size", [5, 500])
async def test_family_tree_with_monthly_detail_email_costs_the_same_for_5_and_500(
    gql, viewers, size
):
    tree = await family.family_tree(total_numbers=size, depth=2)
    await MonthlyDetailEmail.create(
        subscriber=tree.owner, number=tree.numbers[0], email="a@example.ru", created_at=NOW
    )
    token = await viewers.token_for(tree.owner)
    with count_queries() as sql:
        data = (await gql(FAMILY_TREE_WITH_MONTHLY_EMAIL, token=token)).ok()["viewer"]
    top = data["accounts"][0]
    flags = [n["monthlyDetailEmail"] for n in top["numbers"] + top["children"][0]["numbers"]]
    assert sorted(flags) == [False] * (size - 1) + [True]
    assert sql.count == 3, sql.statements  # the token, the reach, the wishes of every number


async def test_on_the_demo_data_anna_gets_the_detail_at_her_confirmed_address(
    gql, viewers, services, settings
):
    """The README's walk-through: Анна switches on Маша's number's monthly detail, which
    goes to her confirmed anna@example.org; Маша, with no contact e-mail, is refused."""
    await seed_demo()
    anna = await Subscriber.get(contact_email=DEMO_EMAIL)
    on = await gql(
        SET, {"msisdn": "+79990000002", "enabled": True}, token=await viewers.token_for(anna)
    )
    assert on.ok()["setMonthlyDetailEmail"] == {
        "enabled": True,
        "email": DEMO_EMAIL,
        "number": {"monthlyDetailEmail": True},
    }
    masha = await viewers.token_for(await Subscriber.get(phone="+79990000002"))
    refused = await gql(SET, {"msisdn": "+79990000002", "enabled": True}, token=masha)
    assert refused.error_codes == ["CONFLICT"]
    assert refused.errors[0]["extensions"]["reason"] == "EMAIL_NOT_CONFIRMED"
    [sent] = await send_monthly_details(services, services.clock() + timedelta(days=32))
    assert sent.status == "sent"
    [mail] = mails(settings)
    assert mail["To"] == DEMO_EMAIL
