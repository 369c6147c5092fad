"""Telling people about a number's care: a block set or lifted, a limit that refused the
number's user. Written to the notification outbox inside the caller's transaction, so only
what committed is told (resolvers/notifications/)."""

from __future__ import annotations

from models import Account, NotificationTopic, Number
from resolvers.notifications import notify
from resolvers.operations.records import Actor


async def people_of(number_id: int) -> tuple[str, int, int | None]:
    """(the msisdn, the account's owner, the number's user)."""
    number = await Number.get(id=number_id).values("msisdn", "account_id", "user_id")
    owner_id = await Account.get(id=number["account_id"]).values_list("owner_id", flat=True)
    return number["msisdn"], int(owner_id), number["user_id"]  # type: ignore[call-overload]


async def everyone(number_id: int, subject: str, actor: Actor) -> None:
    """A block set or lifted: the number's owner and its user, but not whoever did it."""
    msisdn, owner_id, user_id = await people_of(number_id)
    for subscriber_id in dict.fromkeys((owner_id, user_id)):
        if subscriber_id is not None and subscriber_id != actor.subscriber_id:
            await notify(
                subscriber_id,
                NotificationTopic.BLOCKS,
                f"{msisdn}: {subject}",
                f"{msisdn}: {subject}.",
                number_id=number_id,
            )


async def owner(number_id: int, subject: str, text: str) -> None:
    """A limit refused the number's user: the account's owner hears of it."""
    msisdn, owner_id, _ = await people_of(number_id)
    await notify(
        owner_id,
        NotificationTopic.LIMITS,
        f"{msisdn}: {subject}",
        f"{msisdn}: {text}",
        number_id=number_id,
    )
