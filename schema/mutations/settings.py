"""The settings page and notifications: preferences, the contact e-mail and its code, the
profile, free SMS (docs: README "Notifications and profile")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry

from permissions.levels import MANAGE
from resolvers.access.common import subscriber_of
from resolvers.context import RequestContext
from resolvers.home.naming import line_name
from resolvers.identity import profile
from resolvers.identity.phones import normalise_phone
from resolvers.notifications import contact_email, free_sms, settings
from schema.directives import access_mutation
from schema.mutations.locate import contract_number_field, msisdn_field
from schema.types.access_level import AccessLevel
from schema.types.notifications import NotificationPreferences, NotificationTopic
from schema.types.subscriber import Subscriber
from schema.types.viewer import own_subscriber

Info = strawberry.Info[RequestContext, None]


@strawberry.input(description="The channels for one topic.")
class TopicPreferenceInput:
    topic: NotificationTopic  # type: ignore[valid-type]
    sms: bool
    email: bool


@strawberry.input(
    description="A low-balance threshold on a line seen at FULL: a phone number or a home contract."
)
class LowBalanceThresholdInput:
    msisdn: str | None = msisdn_field()
    contract_number: str | None = contract_number_field()
    amount: Decimal | None = strawberry.field(
        description="In RUB; null removes the threshold (the user and the owner are then "
        "warned below the default 50.00)."
    )


@strawberry.input
class NotificationPreferencesInput:
    topics: list[TopicPreferenceInput] = strawberry.field(
        default_factory=list, description="Topics not named keep their channels."
    )
    low_balance_thresholds: list[LowBalanceThresholdInput] = strawberry.field(
        default_factory=list, description="Lines not named keep their thresholds."
    )


@strawberry.input
class UpdateProfileInput:
    full_name: str | None = strawberry.field(default=None, description="Null: unchanged.")
    login_alias: str | None = strawberry.field(
        default=None,
        description="3-32 Latin letters, digits, . _ - with at least one letter; unique "
        'whatever the case. Null: unchanged; "" removes it.',
    )


@strawberry.type(description="A confirmation code was sent to the address.")
class EmailConfirmationRequest:
    email: str
    resend_after: int = strawberry.field(description="Seconds before another code may be asked.")
    expires_in: int = strawberry.field(description="Seconds the code is valid.")


@strawberry.type(description="A free SMS, queued for delivery.")
class SendSmsPayload:
    to: str = strawberry.field(description="The recipient, in E.164.")
    sent_today: int = strawberry.field(description="Free SMS the sending number sent today.")
    daily_limit: int


async def from_number_named(info: Info, kwargs: dict[str, Any]) -> int | None:
    reach = await info.context.loaders.reach()
    row = reach.by_msisdn.get(normalise_phone(kwargs["from_msisdn"]))
    return row.id if row else None


async def _me(info: Info, subscriber_id: int) -> Subscriber:
    subscriber = await own_subscriber(info, subscriber_id)
    assert subscriber is not None, "a signed-in subscriber exists"
    return subscriber


@strawberry.type
class SettingsMutation:
    @strawberry.mutation(
        description="Chooses SMS and/or e-mail per topic, and low-balance thresholds on "
        "numbers the subscriber sees at FULL."
    )
    async def set_notification_preferences(
        self, info: Info, input: NotificationPreferencesInput
    ) -> NotificationPreferences:
        ctx = info.context
        chosen = await settings.set_preferences(
            ctx.loaders,
            [
                settings.TopicInput(settings.NotificationTopic(t.topic.value), t.sms, t.email)
                for t in input.topics
            ],
            [
                settings.ThresholdInput(line_name(t.msisdn, t.contract_number), t.amount)
                for t in input.low_balance_thresholds
            ],
        )
        return NotificationPreferences.of(chosen, await ctx.loaders.reach(), ctx.viewer)

    @strawberry.mutation(
        description="Sets the contact e-mail (unconfirmed) and sends a 6-digit code to it; "
        "nothing else is sent to it until confirmEmail. One a minute, five a day."
    )
    async def request_email_confirmation(self, info: Info, email: str) -> EmailConfirmationRequest:
        ctx = info.context
        sent = await contact_email.request_confirmation(
            ctx.services, subscriber_of(ctx.viewer), email
        )
        return EmailConfirmationRequest(
            email=sent.email, resend_after=sent.resend_after, expires_in=sent.expires_in
        )

    @strawberry.mutation(description="Confirms the contact e-mail with the code sent to it.")
    async def confirm_email(self, info: Info, code: str) -> Subscriber:
        ctx = info.context
        subscriber_id = subscriber_of(ctx.viewer)
        await contact_email.confirm(ctx.services, subscriber_id, code)
        return await _me(info, subscriber_id)

    @strawberry.mutation(description="Changes the full name and the login alias.")
    async def update_profile(self, info: Info, input: UpdateProfileInput) -> Subscriber:
        ctx = info.context
        subscriber_id = subscriber_of(ctx.viewer)
        await profile.update_profile(subscriber_id, input.full_name, input.login_alias)
        ctx.loaders.subscriber_by_id.clear(subscriber_id)
        return await _me(info, subscriber_id)

    @access_mutation(
        AccessLevel.FULL,
        from_number_named,
        scope=MANAGE,
        description="Sends a free SMS from a number the subscriber manages to a number of "
        "this operator (a number Kabinet knows), a limited number a day per sending number.",
    )
    async def send_sms(self, info: Info, from_msisdn: str, to: str, text: str) -> SendSmsPayload:
        ctx = info.context
        reach = await ctx.loaders.reach()
        sender = reach.by_msisdn[normalise_phone(from_msisdn)]  # @access has checked it
        sent = await free_sms.send_free_sms(
            ctx.services, ctx.viewer.subscriber_id, sender, to, text
        )
        return SendSmsPayload(to=sent.to, sent_today=sent.sent_today, daily_limit=sent.daily_limit)
