"""Telling people about a number's care: a block set or lifted, a limit that refused the
number's user. Everything goes through `tell`, so wiring the notification outbox is one
change here."""

from __future__ import annotations

import logging

from models import Account, Number
from resolvers.operations.records import Actor

log = logging.getLogger("kabinet.care")


async def tell(subscriber_id: int, topic: str, subject: str, text: str, number_id: int) -> None:
    """Inside the caller's transaction, so only what committed is told.

    Delivery (preferences, e-mail, the outbox) belongs to the notifications module; until
    it is merged the notice is a log line (no secrets in it: topic, ids, subject)."""
    log.info(
        "care notice %s to subscriber %s on number %s: %s", topic, subscriber_id, number_id, subject
    )


async def people_of(number_id: int) -> tuple[str, int, int | None]:
    """(the msisdn, the account's owner, the number's user)."""
    number = await Number.get(id=number_id).values("msisdn", "account_id", "user_id")
    owner_id = await Account.get(id=number["account_id"]).values_list("owner_id", flat=True)
    return number["msisdn"], int(owner_id), number["user_id"]  # type: ignore[call-overload]


async def everyone(number_id: int, topic: str, subject: str, actor: Actor) -> None:
    """The number's owner and its user, but not whoever did it."""
    msisdn, owner_id, user_id = await people_of(number_id)
    for subscriber_id in dict.fromkeys((owner_id, user_id)):
        if subscriber_id is not None and subscriber_id != actor.subscriber_id:
            await tell(subscriber_id, topic, f"{msisdn}: {subject}", f"{subject}.", number_id)


async def owner(number_id: int, topic: str, subject: str, text: str) -> None:
    msisdn, owner_id, _ = await people_of(number_id)
    await tell(owner_id, topic, f"{msisdn}: {subject}", text, number_id)
