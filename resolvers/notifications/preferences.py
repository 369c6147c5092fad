"""Which channels carry which topic: the subscriber's choice, or the topic's default.

Defaults (no row for the topic): SMS for everything a person usually wants to hear of at
once (top-ups, low balance, access, blocks, limits), e-mail as well for ticket answers
(they are long), nothing for charges (usage charges come many a day). E-mail, chosen or by
default, only ever goes to a confirmed contact address."""

from __future__ import annotations

from dataclasses import dataclass

from models import NotificationChannel, NotificationTopic


@dataclass(frozen=True)
class Channels:
    sms: bool
    email: bool

    @property
    def chosen(self) -> tuple[NotificationChannel, ...]:
        picked = []
        if self.sms:
            picked.append(NotificationChannel.SMS)
        if self.email:
            picked.append(NotificationChannel.EMAIL)
        return tuple(picked)


DEFAULT_CHANNELS: dict[NotificationTopic, Channels] = {
    NotificationTopic.CHARGES: Channels(sms=False, email=False),
    NotificationTopic.TOPUPS: Channels(sms=True, email=False),
    NotificationTopic.LOW_BALANCE: Channels(sms=True, email=False),
    NotificationTopic.ACCESS: Channels(sms=True, email=False),
    NotificationTopic.TICKETS: Channels(sms=True, email=True),
    NotificationTopic.BLOCKS: Channels(sms=True, email=False),
    NotificationTopic.LIMITS: Channels(sms=True, email=False),
}


def channels_for(topic: NotificationTopic, sms: bool | None, email: bool | None) -> Channels:
    """A stored choice (both columns set) or the topic's default (none stored)."""
    if sms is None or email is None:
        return DEFAULT_CHANNELS[topic]
    return Channels(sms=sms, email=email)


@dataclass(frozen=True)
class TopicChoice:
    topic: NotificationTopic
    channels: Channels
    is_default: bool


@dataclass(frozen=True)
class Threshold:
    number_id: int
    amount: int  # minor units


@dataclass(frozen=True)
class Preferences:
    topics: tuple[TopicChoice, ...]
    thresholds: tuple[Threshold, ...]
