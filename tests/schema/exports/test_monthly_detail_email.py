"""The monthly detail by e-mail: setMonthlyDetailEmail and Number.monthlyDetailEmail as
each viewer kind, and the monthly job: sent once per month, even with two workers at once,
never for a number the subscriber no longer sees, retried when the mail server refuses."""

import asyncio
import email
import io
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader

from models import MonthlyDetailEmail, MonthlyDetailSend
from resolvers.exports.monthly import LEASE, send_monthly_details
from resolvers.services import EmailDeliveryError
from tests.schema.exports.world import NOW, OWNER_NAME, TOTAL, build_world
from tests.support import family
from tests.support.queries import count_queries

SET = """
mutation($msisdn: String!, $enabled: Boolean!, $email: String) {
  setMonthlyDetailEmail(msisdn: $msisdn, enabled: $enabled, email: $email) {
    enabled email number { monthlyDetailEmail } } }
"""
READ = "query($msisdn: String!) { number(msisdn: $msisdn) { monthlyDetailEmail } }"


@pytest.fixture
async def world(viewers, services):
    services.clock = lambda: NOW
    return await build_world(viewers)


def opt_in(world, enabled=True, address="anna@example.ru"):
    return {"msisdn": world.number.msisdn, "enabled": enabled, "email": address}


async def asked_in_november(world):
    """Every wish made so far, as if made in the middle of November."""
    await MonthlyDetailEmail.all().update(created_at=NOW - timedelta(days=14))


def mails(settings) -> list[email.message.Message]:
    folder = settings.email_outbox_dir
    if not folder.exists():
        return []
    return [email.message_from_bytes(path.read_bytes()) for path in sorted(folder.glob("*.eml"))]


@pytest.mark.parametrize("kind", ["owner", "full_delegate"])
async def test_set_monthly_detail_email_as_owner_and_full_delegate(gql, world, kind):
    token = world.tokens[kind]
    assert (await gql(READ, {"msisdn": world.number.msisdn}, token=token)).ok() == {
        "number": {"monthlyDetailEmail": False}
    }
    on = (await gql(SET, opt_in(world), token=token)).ok()["setMonthlyDetailEmail"]
    assert on == {
        "enabled": True,
        "email": "anna@example.ru",
        "number": {"monthlyDetailEmail": True},
    }
    again = (await gql(SET, opt_in(world, address="new@example.ru"), token=token)).ok()
    assert again["setMonthlyDetailEmail"]["email"] == "new@example.ru"
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


@pytest.mark.parametrize(
    "address", [None, "", "anna", "anna@", "a b@example.ru", "x" * 250 + "@a.ru"]
)
async def test_set_monthly_detail_email_as_owner_with_a_bad_address_is_bad_user_input(
    gql, world, address
):
    result = await gql(SET, opt_in(world, address=address), token=world.tokens["owner"])
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == "email"


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
    (
        await gql(SET, opt_in(world, address="d@example.ru"), token=world.tokens["full_delegate"])
    ).ok()
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
    (await gql(SET, opt_in(world, address="d@example.ru"), token=token)).ok()
    await asked_in_november(world)
    world.full_grant.revoked_at = NOW - timedelta(days=1)
    await world.full_grant.save(update_fields=["revoked_at"])
    [skipped] = await send_monthly_details(services, NOW)
    assert skipped.status == "skipped"
    assert mails(settings) == []
    assert await send_monthly_details(services, NOW + timedelta(hours=1)) == []


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
