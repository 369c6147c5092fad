"""The worker delivers the notification outbox on its own, shorter, interval, in its own
process or inside the gateway (`--with-worker`); `--once` delivers what is due and stops."""

from __future__ import annotations

import asyncio

import pytest

from gateway.config import ConfigError, load_settings
from gateway.worker import run_passes
from models import Notification, NotificationStatus, NotificationTopic
from resolvers.notifications import notify
from tests.support import family
from tests.support.outbox import sent_messages


def test_the_interval_and_the_free_sms_limit_are_settings():
    assert (load_settings({}).notify_interval, load_settings({}).free_sms_daily_limit) == (5, 50)
    tuned = load_settings({"KABINET_NOTIFY_INTERVAL": "0.5", "FREE_SMS_DAILY_LIMIT": "10"})
    assert (tuned.notify_interval, tuned.free_sms_daily_limit) == (0.5, 10)
    with pytest.raises(ConfigError, match="FREE_SMS_DAILY_LIMIT"):
        load_settings({"FREE_SMS_DAILY_LIMIT": "0"})
    with pytest.raises(ConfigError, match="KABINET_NOTIFY_INTERVAL"):
        load_settings({"KABINET_NOTIFY_INTERVAL": "soon"})


async def test_a_worker_pass_once_delivers_what_is_due(services, settings):
    anna = await family.subscriber("Анна")
    await notify(anna.id, NotificationTopic.TOPUPS, "Пополнение", "Баланс пополнен")
    await run_passes(services, 60, asyncio.Event(), once=True)
    assert await Notification.filter(status=NotificationStatus.SENT).count() == 1


async def test_the_running_worker_delivers_within_its_interval_not_the_money_one(
    services, settings
):
    anna = await family.subscriber("Анна")
    stop = asyncio.Event()
    worker = asyncio.create_task(run_passes(services, 3600, stop, delivery_interval=0.05))
    try:
        await notify(anna.id, NotificationTopic.TOPUPS, "Пополнение", "Баланс пополнен")
        for _ in range(100):
            if await Notification.filter(status=NotificationStatus.SENT).exists():
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(worker, 10)
    assert [m["text"] for m in await sent_messages(services, settings.sms_outbox_path)] == [
        "Баланс пополнен"
    ]
