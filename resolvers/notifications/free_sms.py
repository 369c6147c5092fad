"""Free SMS from the cabinet (sendSms): from a number the viewer manages (FULL) to a
number of the operator's, a limited number a day per sending number.

"A number of the operator's" is a number in the `numbers` table (active or not): the
operator's own subscribers, whatever their range. The daily limit is per sending number,
not per viewer (a delegate and the user share the number's allowance), in the shared
counters. The message goes through the notification outbox (retried, recorded) and the
SMS port, signed with the sending number so the recipient knows who wrote."""

from __future__ import annotations

from dataclasses import dataclass

from models import NotificationChannel, Number, NumberStatus
from resolvers.errors import BadUserInput, Forbidden, RateLimited
from resolvers.identity.phones import normalise_phone
from resolvers.notifications.outbox import enqueue
from resolvers.reach import NumberRow
from resolvers.services import Services

MAX_TEXT_LENGTH = 300
DAY_SECONDS = 86400


@dataclass(frozen=True)
class SentSms:
    to: str
    sent_today: int
    daily_limit: int


def _text(raw: str) -> str:
    text = raw.strip()
    if not text:
        raise BadUserInput("Write the message.", field="text")
    if len(text) > MAX_TEXT_LENGTH:
        raise BadUserInput(f"A free SMS has at most {MAX_TEXT_LENGTH} characters.", field="text")
    return text


async def send_free_sms(
    services: Services, subscriber_id: int | None, sender: NumberRow, raw_to: str, raw_text: str
) -> SentSms:
    """`sender` is a number the viewer has FULL on (checked by @access)."""
    if subscriber_id is None:
        raise Forbidden("Only a subscriber sends SMS from the cabinet, not a partner app.")
    text = _text(raw_text)
    try:
        to = normalise_phone(raw_to)
    except BadUserInput as exc:
        raise BadUserInput(exc.message, field="to") from exc
    if to == sender.msisdn:
        raise BadUserInput("Send it to another number.", field="to")
    if sender.status != NumberStatus.ACTIVE:
        raise BadUserInput("A blocked or closed number cannot send SMS.", field="fromMsisdn")
    if not await Number.exists(msisdn=to):
        raise BadUserInput(
            "Free SMS go only to numbers of this operator.", field="to", reason="NOT_OPERATOR"
        )
    limit = services.free_sms_daily_limit
    day_key = f"free-sms:{sender.id}"
    sent = await services.counters.increment(day_key, DAY_SECONDS)
    if sent > limit:
        raise RateLimited(
            f"This number has sent its {limit} free SMS for today.",
            retry_after=await services.counters.seconds_left(day_key),
        )
    await enqueue(
        subscriber_id,
        None,
        NotificationChannel.SMS,
        to,
        f"SMS от {sender.msisdn}",
        f"{text}\n— {sender.msisdn}",
        number_id=sender.id,
    )
    return SentSms(to=to, sent_today=sent, daily_limit=limit)
