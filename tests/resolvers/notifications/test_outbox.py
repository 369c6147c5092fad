"""notify() and the outbox: rows written in the caller's transaction, delivered by the
worker after the commit, exactly once, retried, then FAILED with the error kept."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from tortoise.transactions import in_transaction

from models import (
    Notification,
    NotificationChannel,
    NotificationPreference,
    NotificationStatus,
    NotificationTopic,
    Subscriber,
)
from resolvers.notifications import notify
from resolvers.notifications.delivery import (
    MAX_ATTEMPTS,
    claim_due,
    deliver_due,
    failed_notifications,
    retry_failed,
)
from resolvers.services import SmsDeliveryError
from tests.support import family
from tests.support.outbox import body_of, sent_emails, sent_messages


async def confirmed(subscriber: Subscriber, address: str) -> Subscriber:
    subscriber.contact_email = address
    subscriber.contact_email_confirmed_at = subscriber.created_at
    await subscriber.save()
    return subscriber


async def choose(subscriber: Subscriber, topic: NotificationTopic, sms: bool, email: bool) -> None:
    await NotificationPreference.create(subscriber=subscriber, topic=topic, sms=sms, email=email)


def later(services, seconds: float):
    return services.clock() + timedelta(seconds=seconds)


async def test_defaults_send_an_sms_for_top_ups_and_nothing_for_charges(services, settings):
    anna = await family.subscriber("Анна")
    await notify(anna.id, NotificationTopic.TOPUPS, "Пополнение", "Баланс пополнен на 100 ₽")
    await notify(anna.id, NotificationTopic.CHARGES, "Списание", "Списано 3 ₽")

    assert await deliver_due(services) == {"SENT": 1}
    [sms] = await sent_messages(services, settings.sms_outbox_path)
    assert sms["to"] == anna.phone
    assert sms["text"] == "Баланс пополнен на 100 ₽"


async def test_email_goes_only_to_a_confirmed_address(services, settings):
    anna = await family.subscriber("Анна")
    await choose(anna, NotificationTopic.TOPUPS, sms=False, email=True)
    anna.contact_email = "anna@example.org"  # asked for, not confirmed
    await anna.save()
    await notify(anna.id, NotificationTopic.TOPUPS, "Пополнение", "Баланс пополнен")
    assert await Notification.all().count() == 0

    await confirmed(anna, "anna@example.org")
    await notify(anna.id, NotificationTopic.TOPUPS, "Пополнение", "Баланс пополнен")
    assert await deliver_due(services) == {"SENT": 1}
    [letter] = sent_emails(settings.email_outbox_dir, to="anna@example.org")
    assert letter["Subject"] == "Пополнение"
    assert "Баланс пополнен" in body_of(letter)


async def test_both_channels_make_two_rows_and_none_makes_none(services):
    anna = await confirmed(await family.subscriber("Анна"), "anna@example.org")
    await choose(anna, NotificationTopic.BLOCKS, sms=True, email=True)
    await choose(anna, NotificationTopic.ACCESS, sms=False, email=False)
    await notify(anna.id, NotificationTopic.BLOCKS, "Блокировка", "Номер заблокирован")
    await notify(anna.id, NotificationTopic.ACCESS, "Доступ", "Выдан доступ")

    rows = await Notification.all().order_by("channel").values_list("channel", "address")
    assert rows == [
        (NotificationChannel.EMAIL, "anna@example.org"),
        (NotificationChannel.SMS, anna.phone),
    ]


async def test_a_rolled_back_operation_leaves_no_message(services):
    anna = await family.subscriber("Анна")

    with pytest.raises(RuntimeError):
        async with in_transaction():
            await notify(anna.id, NotificationTopic.TOPUPS, "Пополнение", "Баланс пополнен")
            raise RuntimeError("the top-up failed after notify")

    assert await Notification.all().count() == 0
    assert await deliver_due(services) == {}


async def test_a_message_is_not_delivered_before_its_transaction_commits(services, settings):
    anna = await family.subscriber("Анна")
    async with in_transaction():
        await notify(anna.id, NotificationTopic.TOPUPS, "Пополнение", "Баланс пополнен")
        # Another connection (the worker's) does not see the row yet on PostgreSQL; on
        # SQLite the one connection does, which is why delivery never runs in here.
    assert await deliver_due(services) == {"SENT": 1}
    assert len(await sent_messages(services, settings.sms_outbox_path)) == 1


async def test_several_workers_deliver_each_message_once(services, settings):
    anna = await family.subscriber("Анна")
    for i in range(12):
        await notify(anna.id, NotificationTopic.TOPUPS, "Пополнение", f"Пополнение №{i}")

    outcomes = await asyncio.gather(*(deliver_due(services) for _ in range(4)))

    assert sum(o["SENT"] for o in outcomes) == 12
    texts = [m["text"] for m in await sent_messages(services, settings.sms_outbox_path)]
    assert sorted(texts) == sorted(f"Пополнение №{i}" for i in range(12))


async def test_a_claimed_message_is_not_claimed_again_until_its_lease_ends(services):
    anna = await family.subscriber("Анна")
    await notify(anna.id, NotificationTopic.TOPUPS, "Пополнение", "Баланс пополнен")
    now = services.clock()

    assert len(await claim_due(now)) == 1  # a worker took it, then died
    assert await claim_due(now) == []
    [again] = await claim_due(later(services, 6 * 60))
    assert again.attempts == 2


class RefusingSms:
    def __init__(self) -> None:
        self.calls = 0

    async def send(self, to: str, text: str) -> None:
        self.calls += 1
        raise SmsDeliveryError("SMS provider sms.test did not accept the message (HTTP 503)")


async def test_a_failed_delivery_is_retried_with_backoff_then_failed_with_the_error(
    services, caplog
):
    anna = await family.subscriber("Анна")
    await notify(anna.id, NotificationTopic.TOPUPS, "Пополнение", "Баланс пополнен")
    refusing = RefusingSms()
    services.sms = refusing

    assert await deliver_due(services) == {"RETRY": 1}
    assert await deliver_due(services) == {}  # not due again yet
    row = await Notification.get()
    assert row.status is NotificationStatus.PENDING
    assert "HTTP 503" in (row.last_error or "")
    pause = row.next_attempt_at - services.clock()
    assert timedelta(seconds=20) < pause <= timedelta(seconds=30)

    seconds = 0.0
    for _ in range(MAX_ATTEMPTS - 1):
        seconds += 3 * 3600
        outcome = await deliver_due(services, later(services, seconds))
    assert outcome == {"FAILED": 1}
    assert refusing.calls == MAX_ATTEMPTS
    row = await Notification.get()
    assert row.status is NotificationStatus.FAILED
    assert row.attempts == MAX_ATTEMPTS
    assert "HTTP 503" in (row.last_error or "")
    assert f"notification {row.id} (SMS) FAILED after {MAX_ATTEMPTS} attempts" in caplog.text
    assert "Баланс пополнен" not in caplog.text  # the message text is never logged
    assert await deliver_due(services, later(services, seconds + 86400)) == {}


async def test_nobody_to_tell_writes_nothing(services):
    await notify(999_999, NotificationTopic.TOPUPS, "Пополнение", "Баланс пополнен")
    assert await Notification.all().count() == 0


async def test_the_operator_sees_a_failed_message_and_queues_it_again(services, settings):
    anna = await family.subscriber("Анна")
    await notify(anna.id, NotificationTopic.TOPUPS, "Пополнение", "Баланс пополнен")
    await Notification.all().update(
        status=NotificationStatus.FAILED, attempts=MAX_ATTEMPTS, last_error="SMTP down"
    )
    [failed] = await failed_notifications()
    assert (failed["address"], failed["last_error"]) == (anna.phone, "SMTP down")

    assert await retry_failed([failed["id"], 999]) == 1
    assert await failed_notifications() == []
    assert await deliver_due(services) == {"SENT": 1}
    assert len(await sent_messages(services, settings.sms_outbox_path)) == 1
