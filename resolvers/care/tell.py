"""Telling people about a line's care: a block set or lifted, a limit that refused the
number's user. Written to the notification outbox inside the caller's transaction, so only
what committed is told (resolvers/notifications/).

A subject may say `{noun}`: "number" for a phone number, "contract" for a home contract
(which has no phone of its own: its holder and user are told on theirs)."""

from __future__ import annotations

from models import Account, NotificationTopic, Number
from resolvers.home.words import LineWords, line_words
from resolvers.notifications import notify
from resolvers.operations.records import Actor


async def people_of(number_id: int) -> tuple[LineWords, int, int | None]:
    """(how the line is named, the account's owner, the line's user)."""
    line = await Number.get(id=number_id).values(
        "msisdn", "account_id", "user_id", contract_number="home_contract__contract_number"
    )
    owner_id = await Account.get(id=line["account_id"]).values_list("owner_id", flat=True)
    words = line_words(line["msisdn"], line["contract_number"])
    return words, int(owner_id), line["user_id"]  # type: ignore[call-overload]


async def everyone(number_id: int, subject: str, actor: Actor) -> None:
    """A block set or lifted: the line's owner and its user, but not whoever did it."""
    words, owner_id, user_id = await people_of(number_id)
    said = subject.format(noun=words.noun)
    for subscriber_id in dict.fromkeys((owner_id, user_id)):
        if subscriber_id is not None and subscriber_id != actor.subscriber_id:
            await notify(
                subscriber_id,
                NotificationTopic.BLOCKS,
                f"{words.label}: {said}",
                f"{words.label}: {said}.",
                number_id=number_id,
            )


async def owner(number_id: int, subject: str, text: str) -> None:
    """A limit refused the number's user: the account's owner hears of it."""
    words, owner_id, _ = await people_of(number_id)
    await notify(
        owner_id,
        NotificationTopic.LIMITS,
        f"{words.label}: {subject}",
        f"{words.label}: {text}",
        number_id=number_id,
    )
