from __future__ import annotations

import strawberry

from models import NotificationTopic as StoredTopic
from permissions.levels import Level
from permissions.viewer import Viewer
from resolvers.notifications.preferences import Preferences
from resolvers.reach import Reach
from schema.types.enums import mirror_enum
from schema.types.line import Line
from schema.types.lines import line_of, number_of
from schema.types.money import Money
from schema.types.number import Number

NotificationTopic = mirror_enum(
    StoredTopic,
    "What a notification tells about: CHARGES (fees, usage charges), TOPUPS, "
    "LOW_BALANCE (a debit took a balance below a threshold), ACCESS (grants and access "
    "requests), TICKETS (answers to support tickets), BLOCKS, LIMITS (parental limits).",
)


@strawberry.type(description="The channels chosen for one topic.")
class TopicPreference:
    topic: NotificationTopic  # type: ignore[valid-type]
    sms: bool = strawberry.field(description="By SMS to the subscriber's phone.")
    email: bool = strawberry.field(description="By e-mail, to the confirmed contactEmail only.")
    is_default: bool = strawberry.field(description="Not chosen yet: the topic's default.")


@strawberry.type(description="Below this balance, a debit on the line sends LOW_BALANCE.")
class LowBalanceThreshold:
    number: Number | None = strawberry.field(
        description="The phone number; null for a home contract (see line)."
    )
    line: Line = strawberry.field(description="The phone number or home contract.")
    amount: Money


@strawberry.type(description="What the subscriber is told about, and how.")
class NotificationPreferences:
    topics: list[TopicPreference]
    low_balance_thresholds: list[LowBalanceThreshold] = strawberry.field(
        description="The thresholds the subscriber set. Without one, the number's user and "
        "owner are warned below 50.00 RUB; a delegate only with a threshold of their own."
    )

    @classmethod
    def of(cls, preferences: Preferences, reach: Reach, viewer: Viewer) -> NotificationPreferences:
        thresholds = []
        for threshold in preferences.thresholds:
            row = reach.numbers.get(threshold.number_id)
            # A number no longer seen at FULL (a grant revoked) drops out of the list.
            if row is not None and reach.level(row.id) >= Level.FULL:
                thresholds.append(
                    LowBalanceThreshold(
                        number=number_of(row, reach, viewer),
                        line=line_of(row, reach, viewer),
                        amount=Money.from_minor(threshold.amount, "RUB"),
                    )
                )
        return cls(
            topics=[
                TopicPreference(
                    topic=NotificationTopic[choice.topic.name],
                    sms=choice.channels.sms,
                    email=choice.channels.email,
                    is_default=choice.is_default,
                )
                for choice in preferences.topics
            ],
            low_balance_thresholds=thresholds,
        )
