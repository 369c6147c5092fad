"""A subscriber's notification settings: channels per topic, and low-balance thresholds
on numbers they see at FULL (setNotificationPreferences, viewer.notificationPreferences)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import LowBalanceThreshold, NotificationPreference, NotificationTopic
from permissions.levels import Level
from resolvers.access.common import line_at_level, subscriber_of
from resolvers.errors import BadUserInput, Conflict
from resolvers.home.naming import LineName
from resolvers.loaders import Loaders
from resolvers.money.amounts import to_minor_units
from resolvers.notifications.preferences import (
    DEFAULT_CHANNELS,
    Channels,
    Preferences,
    Threshold,
    TopicChoice,
)

MAX_THRESHOLD = 10_000_000  # 100 000.00 RUB: a threshold above any balance is a typo


@dataclass(frozen=True)
class TopicInput:
    topic: NotificationTopic
    sms: bool
    email: bool


@dataclass(frozen=True)
class ThresholdInput:
    line: LineName  # a phone number or a home contract
    amount: Decimal | None  # None: back to the default (or none, for a delegate)


async def preferences_of(subscriber_id: int) -> Preferences:
    stored = {
        row["topic"]: Channels(sms=row["sms"], email=row["email"])
        for row in await NotificationPreference.filter(subscriber_id=subscriber_id).values(
            "topic", "sms", "email"
        )
    }
    topics = tuple(
        TopicChoice(topic, stored.get(topic, default), is_default=topic not in stored)
        for topic, default in DEFAULT_CHANNELS.items()
    )
    thresholds = tuple(
        Threshold(number_id, amount)
        for number_id, amount in await LowBalanceThreshold.filter(subscriber_id=subscriber_id)
        .order_by("number_id")
        .values_list("number_id", "amount")
    )
    return Preferences(topics, thresholds)


async def set_preferences(
    loaders: Loaders, topics: list[TopicInput], thresholds: list[ThresholdInput]
) -> Preferences:
    """Topics not named keep their choice; thresholds not named stay as they are."""
    assert loaders.viewer is not None
    subscriber_id = subscriber_of(loaders.viewer)
    if len({choice.topic for choice in topics}) != len(topics):
        raise BadUserInput("Name each topic at most once.", field="topics")
    numbers: dict[int, int | None] = {}
    for wanted in thresholds:
        # Only numbers whose balance the subscriber may see (FULL); others as usual.
        number = await line_at_level(loaders, wanted.line, Level.FULL)
        if number.id in numbers:
            raise BadUserInput("Name each number at most once.", field="lowBalanceThresholds")
        numbers[number.id] = _threshold(wanted.amount)
    try:
        await _store(subscriber_id, topics, numbers)
    except IntegrityError as exc:  # the same subscriber saving twice at once
        raise Conflict("Your notification settings changed meanwhile: try again.") from exc
    return await preferences_of(subscriber_id)


async def _store(
    subscriber_id: int, topics: list[TopicInput], numbers: dict[int, int | None]
) -> None:
    async with in_transaction():
        for choice in topics:
            updated = await NotificationPreference.filter(
                subscriber_id=subscriber_id, topic=choice.topic
            ).update(sms=choice.sms, email=choice.email)
            if not updated:
                await NotificationPreference.create(
                    subscriber_id=subscriber_id,
                    topic=choice.topic,
                    sms=choice.sms,
                    email=choice.email,
                )
        for number_id, amount in numbers.items():
            await LowBalanceThreshold.filter(
                subscriber_id=subscriber_id, number_id=number_id
            ).delete()
            if amount is not None:
                await LowBalanceThreshold.create(
                    subscriber_id=subscriber_id, number_id=number_id, amount=amount
                )


def _threshold(amount: Decimal | None) -> int | None:
    if amount is None:
        return None
    try:
        minor = to_minor_units(amount, "RUB")
    except ValueError as exc:
        raise BadUserInput(str(exc), field="amount") from exc
    if not 0 <= minor <= MAX_THRESHOLD:
        raise BadUserInput(
            "A low-balance threshold is between 0.00 and 100000.00 RUB.", field="amount"
        )
    return minor
