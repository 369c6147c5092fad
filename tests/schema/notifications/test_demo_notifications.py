"""The README's walk-through on the demo data: Анна tops up Маша's number and the e-mail
is in the outbox folder (and `kabinet mail last` prints it)."""

from __future__ import annotations

from models import Subscriber
from resolvers.demo.seed import DEMO_EMAIL, DEMO_LOGIN_ALIAS, DEMO_PASSWORD, seed_demo
from resolvers.notifications.delivery import deliver_due
from tests.schema.money.test_top_up import TOP_UP, top_up_input
from tests.support.outbox import body_of, sent_emails

SIGN_IN = """
mutation($login: String!, $password: String!) {
  signInWithPassword(phone: $login, password: $password) { accessToken }
}
"""
ME = "{ viewer { subscriber { fullName loginAlias contactEmail contactEmailConfirmed } } }"


async def test_anna_signs_in_by_alias_tops_up_and_gets_the_e_mail(gql, services, settings):
    await seed_demo()
    signed_in = await gql(SIGN_IN, {"login": DEMO_LOGIN_ALIAS, "password": DEMO_PASSWORD})
    token = signed_in.ok()["signInWithPassword"]["accessToken"]
    me = (await gql(ME, token=token)).ok()["viewer"]["subscriber"]
    assert me == {
        "fullName": "Анна Петрова",
        "loginAlias": "anna",
        "contactEmail": DEMO_EMAIL,
        "contactEmailConfirmed": True,
    }
    paid = await gql(TOP_UP, top_up_input("+79990000002", amount="300.00"), token=token)
    assert paid.ok()["topUp"]["payment"]["status"] == "SUCCEEDED"

    await deliver_due(services)
    [letter] = sent_emails(settings.email_outbox_dir, to=DEMO_EMAIL)
    assert letter["Subject"] == "Пополнение баланса +79990000002"
    assert "Баланс номера +79990000002 пополнен на 300.00 ₽." in body_of(letter)
    masha = await Subscriber.get(phone="+79990000002")
    assert masha.contact_email is None  # Маша hears of it by SMS only (the default)
