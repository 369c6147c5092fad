"""notify(): writes what a subscriber is to be told into the outbox, inside the caller's
transaction, so the message exists exactly when what it tells about has committed.

tortoise routes every model write and raw statement made inside `in_transaction()` to the
transaction's connection (a context variable): the outbox rows commit or roll back with the
caller's write. Delivery happens later, in the worker (resolvers/notifications/delivery.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

from models import Notification, NotificationChannel, NotificationTopic
from resolvers.notifications.preferences import channels_for
from resolvers.sql import fetch_all

SUBJECT_MAX = 200
TEXT_MAX = 2000

_RECIPIENT_SQL = (
    "SELECT s.phone, s.contact_email, s.contact_email_confirmed_at, p.sms, p.email "
    "FROM subscribers s LEFT JOIN notification_preferences p "
    "ON p.subscriber_id = s.id AND p.topic = ? WHERE s.id = ?"
)


async def notify(
    subscriber_id: int,
    topic: NotificationTopic,
    subject: str,
    text: str,
    *,
    number_id: int | None = None,
) -> None:
    """One outbox row per channel the subscriber chose for `topic` (none if they chose
    none; e-mail only to a confirmed address). Call it inside the transaction of the change
    it tells about. `subject` heads the e-mail; an SMS carries `text` alone."""
    rows = await fetch_all(_RECIPIENT_SQL, [str(topic), subscriber_id])
    if not rows:
        return  # the subscriber is gone: nobody to tell
    row = rows[0]
    channels = channels_for(topic, _flag(row["sms"]), _flag(row["email"]))
    addresses = {
        NotificationChannel.SMS: row["phone"],
        NotificationChannel.EMAIL: row["contact_email"]
        if row["contact_email_confirmed_at"] is not None
        else None,
    }
    for channel in channels.chosen:
        address = addresses[channel]
        if address:
            await enqueue(
                subscriber_id, topic, channel, address, subject, text, number_id=number_id
            )


async def enqueue(
    subscriber_id: int,
    topic: NotificationTopic | None,
    channel: NotificationChannel,
    address: str,
    subject: str,
    text: str,
    *,
    number_id: int | None = None,
) -> None:
    """One message to `address` whatever the preferences (topic None: an e-mail
    confirmation code, a free SMS): the same outbox, the same retries."""
    now = datetime.now(UTC)
    await Notification.create(
        subscriber_id=subscriber_id,
        number_id=number_id,
        topic=topic,
        channel=channel,
        address=address,
        subject=subject[:SUBJECT_MAX],
        text=text[:TEXT_MAX],
        next_attempt_at=now,
        created_at=now,
    )


def _flag(value: object) -> bool | None:
    """A boolean from a raw row: SQLite hands back 0/1, PostgreSQL a bool; None if absent."""
    return None if value is None else bool(value)
