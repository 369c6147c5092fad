"""What a number's people hear of its money: top-ups, charges, and a balance falling below
a threshold, written with the move and delivered after its commit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models import (
    AccessLevel,
    LowBalanceThreshold,
    Notification,
    NotificationPreference,
    NotificationTopic,
    Payment,
)
from resolvers.money.charges import ingest
from resolvers.money.fees import charge_month
from resolvers.notifications.delivery import deliver_due
from resolvers.services import ChargeResult
from tests.schema.money.test_top_up import TOP_UP, top_up_input
from tests.support import family
from tests.support.outbox import body_of, sent_emails, sent_messages


@pytest.fixture
async def household():
    """Анна owns the account; Петя uses the number (balance 100.00)."""
    anna = await family.subscriber("Анна")
    petya = await family.subscriber("Петя")
    number = await family.number(await family.account(anna), user=petya, balance=10000)
    return anna, petya, number


def usage(rid: str, msisdn: str, cost: str) -> dict:
    return {
        "id": rid,
        "msisdn": msisdn,
        "type": "call",
        "start": "2026-11-20T10:00:00Z",
        "cost": cost,
    }


async def texts_to(services, settings, phone: str) -> list[str]:
    await deliver_due(services)
    return [
        m["text"]
        for m in await sent_messages(services, settings.sms_outbox_path)
        if m["to"] == phone
    ]


async def test_a_top_up_is_told_to_the_owner_and_the_user_by_sms(
    gql, viewers, services, settings, household
):
    anna, petya, number = household
    result = await gql(TOP_UP, top_up_input(number.msisdn), token=await viewers.token_for(anna))
    assert result.ok()["topUp"]["payment"]["status"] == "SUCCEEDED"

    expected = f"Баланс номера {number.msisdn} пополнен на 150.00 ₽. Баланс: 250.00 ₽."
    assert await texts_to(services, settings, anna.phone) == [expected]
    assert await texts_to(services, settings, petya.phone) == [expected]


async def test_a_top_up_by_email_reaches_a_confirmed_address(
    gql, viewers, services, settings, household
):
    anna, _, number = household
    anna.contact_email = "anna@example.org"
    anna.contact_email_confirmed_at = datetime.now(UTC)
    await anna.save()
    await NotificationPreference.create(
        subscriber=anna, topic=NotificationTopic.TOPUPS, sms=False, email=True
    )
    await gql(TOP_UP, top_up_input(number.msisdn), token=await viewers.token_for(anna))

    await deliver_due(services)
    [letter] = sent_emails(settings.email_outbox_dir, to="anna@example.org")
    assert letter["Subject"] == f"Пополнение баланса {number.msisdn}"
    assert "пополнен на 150.00 ₽" in body_of(letter)
    assert await texts_to(services, settings, anna.phone) == []


async def test_a_refused_card_tells_nobody(gql, viewers, household):
    anna, _, number = household
    variables = top_up_input(number.msisdn, cardToken="tok_declined")
    await gql(TOP_UP, variables, token=await viewers.token_for(anna))
    assert await Notification.all().count() == 0


async def test_a_payment_settled_twice_is_told_once(services, household):
    from resolvers.money.payments import settle

    anna, _, number = household
    payment = await Payment.create(
        number_id=number.id,
        amount=5000,
        currency="RUB",
        provider="sandbox",
        idempotency_key="s:k",
        request_hash="h",
        payer_subscriber_id=anna.id,
        created_at=services.clock(),
        updated_at=services.clock(),
    )
    for _ in range(2):
        await settle(services, payment, ChargeResult(True, reference="r"))
    assert await Notification.filter(topic=NotificationTopic.TOPUPS).count() == 2  # two people


async def test_charges_are_silent_by_default_and_told_when_chosen(services, settings, household):
    anna, _, number = household
    await NotificationPreference.create(
        subscriber=anna, topic=NotificationTopic.CHARGES, sms=True, email=False
    )
    await ingest([usage("u1", number.msisdn, "12.50")], services.clock())
    await ingest([usage("u1", number.msisdn, "12.50")], services.clock())  # a retried batch

    assert await texts_to(services, settings, anna.phone) == [
        f"С номера {number.msisdn} списано 12.50 ₽: CALL. Баланс: 87.50 ₽."
    ]


async def test_a_debit_below_the_default_threshold_warns_once(services, settings, household):
    anna, petya, number = household
    await ingest([usage("u1", number.msisdn, "40.00")], services.clock())  # 60.00 left
    await ingest([usage("u2", number.msisdn, "20.00")], services.clock())  # 40.00: crossed 50
    await ingest([usage("u3", number.msisdn, "5.00")], services.clock())  # still below

    for person in (anna, petya):
        assert await texts_to(services, settings, person.phone) == [
            f"Баланс номера {number.msisdn}: 40.00 ₽, ниже порога 50.00 ₽. "
            "Пополните счёт, чтобы связь не прервалась."
        ]


async def test_each_person_has_their_own_threshold(services, settings, household):
    anna, petya, number = household
    await LowBalanceThreshold.create(subscriber=anna, number=number, amount=9000)
    await ingest([usage("u1", number.msisdn, "15.00")], services.clock())  # 85.00

    assert len(await texts_to(services, settings, anna.phone)) == 1
    assert await texts_to(services, settings, petya.phone) == []


async def test_a_full_delegate_with_a_threshold_is_warned_and_a_revoked_one_is_not(
    services, settings, household
):
    anna, _, number = household
    granny = await family.subscriber("Бабушка")
    await family.grant(number, granny, AccessLevel.FULL, by=anna)
    former = await family.subscriber("Бывшая няня")
    await family.grant(
        number, former, AccessLevel.FULL, by=anna, revoked_at=datetime.now(UTC) - timedelta(days=1)
    )
    topup_only = await family.subscriber("Дядя")
    await family.grant(number, topup_only, AccessLevel.TOPUP, by=anna)
    for person in (granny, former, topup_only):
        await LowBalanceThreshold.create(subscriber=person, number=number, amount=9000)

    await ingest([usage("u1", number.msisdn, "15.00")], services.clock())

    assert len(await texts_to(services, settings, granny.phone)) == 1
    assert await texts_to(services, settings, former.phone) == []
    assert await texts_to(services, settings, topup_only.phone) == []


async def test_a_delegates_grant_counts_as_it_was_when_the_money_moved(
    services, settings, household
):
    """A usage batch posted at yesterday's time: a grant live then (ended since) still
    warns: the grant is read at the posting's time, not the wall clock's."""
    anna, _, number = household
    yesterday = datetime.now(UTC) - timedelta(days=1)
    ended = await family.subscriber("Няня до сегодня")
    await family.grant(
        number, ended, AccessLevel.FULL, by=anna, expires_at=yesterday + timedelta(hours=1)
    )
    await LowBalanceThreshold.create(subscriber=ended, number=number, amount=9000)

    await ingest([usage("u1", number.msisdn, "15.00")], yesterday)

    assert len(await texts_to(services, settings, ended.phone)) == 1


async def test_a_monthly_fee_run_tells_each_fee_once(services, settings, household):
    anna, _, number = household
    await NotificationPreference.create(
        subscriber=anna, topic=NotificationTopic.CHARGES, sms=True, email=False
    )
    await charge_month("2026-11", services.clock())
    await charge_month("2026-11", services.clock())  # a rerun charges and tells nothing

    texts = await texts_to(services, settings, anna.phone)
    assert [t for t in texts if "списано" in t] == [
        f"С номера {number.msisdn} списано 300.00 ₽: Monthly fee 2026-11: Базовый. "
        "Баланс: -200.00 ₽."
    ]


async def test_a_connection_fee_that_crosses_the_threshold_warns_the_user(
    gql, viewers, services, settings
):
    from models import Account, Number
    from tests.schema.operations.test_services import CONNECT, service_input
    from tests.schema.operations.world import NOW, build_world

    services.clock = lambda: NOW
    world = await build_world(viewers, balance=9000)  # 90.00; «Гудок-мелодия» costs 50.00
    result = await gql(CONNECT, service_input(world), token=world.tokens["full_delegate"])
    assert result.ok()["connectService"]["operation"]["status"] == "COMPLETED"

    number = await Number.get(id=world.number.id)
    owner_id = (await Account.get(id=number.account_id)).owner_id
    texts = await Notification.filter(topic=NotificationTopic.LOW_BALANCE).values_list(
        "subscriber_id", "text"
    )
    assert sorted(subscriber for subscriber, _ in texts) == sorted([owner_id, number.user_id])
    assert texts[0][1].startswith(f"Баланс номера {number.msisdn}: 40.00 ₽, ниже порога 50.00 ₽.")
