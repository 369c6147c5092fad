"""Access requests: someone asks a number's owner for a grant; the owner approves (maybe at
a lower level), denies, blocks the asker, or forbids requests altogether.

The asker always gets the same answer, whether the number exists, forbids requests or has
blocked them: only a request that may reach an owner is linked to the number and notified.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from models import (
    AccessGrant,
    AccessLevel,
    AccessRequest,
    AccessRequestBlock,
    AccessRequestStatus,
    Account,
    ActorRole,
    GrantSource,
    Number,
    NumberStatus,
    OperationKind,
    Subscriber,
)
from permissions.levels import Level
from permissions.viewer import Viewer
from resolvers import audit
from resolvers.access.common import (
    future_expiry,
    number_at_level,
    owner_actor,
    record_grant,
    subscriber_of,
)
from resolvers.errors import BadUserInput, Conflict, Forbidden, NotFound, RateLimited
from resolvers.identity.phones import normalise_phone
from resolvers.loaders import Loaders
from resolvers.notifications import NotificationTopic, notify
from resolvers.operations.records import Actor, record
from resolvers.services import Services
from resolvers.sql import fetch_all

REQUEST_LIFETIME = timedelta(days=7)
MAX_REQUESTS_PER_DAY = 10
MAX_MESSAGE_LENGTH = 500
OWNER_SMS = "Абонент {asker} просит доступ {level} к номеру {msisdn}. Ответьте в личном кабинете."
APPROVED_TEXT = "Владелец номера {msisdn} одобрил ваш запрос: доступ {level}."
# A block reads as a plain denial: the asker is not told they were blocked.
DENIED_TEXT = "Владелец номера {msisdn} отклонил ваш запрос доступа."

REQUEST_COLUMNS = (
    "id",
    "msisdn",
    "number_id",
    "requester_id",
    "level",
    "message",
    "status",
    "expires_at",
    "decided_at",
    "grant_id",
    "created_at",
)


NO_SUCH_REQUEST = "No such access request."


async def request_rows(query: Any) -> list[dict[str, Any]]:
    return await query.order_by("-id").values(*REQUEST_COLUMNS)


async def request_access(
    services: Services, viewer: Viewer, raw_msisdn: str, level: AccessLevel, message: str, ip: str
) -> dict[str, Any]:
    requester_id = subscriber_of(viewer)
    msisdn = normalise_phone(raw_msisdn)
    message = message.strip()
    if len(message) > MAX_MESSAGE_LENGTH:
        raise BadUserInput(f"The message may have at most {MAX_MESSAGE_LENGTH} characters.")
    now = services.clock()
    pending = await request_rows(
        AccessRequest.filter(
            requester_id=requester_id,
            msisdn=msisdn,
            status=AccessRequestStatus.PENDING,
            expires_at__gt=now,
        )
    )
    if pending:
        return pending[0]  # asking again is not a new request
    day_key = f"access-requests:{requester_id}"
    if await services.counters.increment(day_key, 86400) > MAX_REQUESTS_PER_DAY:
        raise RateLimited(
            "Too many access requests today.",
            retry_after=await services.counters.seconds_left(day_key),
        )
    request = await AccessRequest.create(
        msisdn=msisdn,
        requester_id=requester_id,
        level=level,
        message=message,
        expires_at=now + REQUEST_LIFETIME,
    )
    # Whether the request may reach an owner is decided after the answer, in the
    # background: the asker's response and its timing are the same for every number.
    services.background.spawn(
        _deliver(services, request.id, msisdn, requester_id, level), "access request delivery"
    )
    return (await request_rows(AccessRequest.filter(id=request.id)))[0]


async def _deliver(
    services: Services, request_id: int, msisdn: str, requester_id: int, level: AccessLevel
) -> None:
    number, owner = await _reachable_owner(msisdn, requester_id)
    if number is None or owner is None:
        return
    asker = await Subscriber.get(id=requester_id)
    text = OWNER_SMS.format(asker=asker.phone, level=level.value, msisdn=msisdn)
    # Only a request that reaches an owner is linked to the number, so only it enters the
    # number's history: one that was stopped leaves no trace there.
    async with in_transaction():
        await AccessRequest.filter(id=request_id).update(number_id=number.id)
        await record(
            number.id,
            OperationKind.ACCESS_REQUEST,
            _requester(requester_id),
            services.clock(),
            {"request_id": request_id, "level": str(level)},
        )
        # By the owner's ACCESS channels (SMS unless they chose otherwise).
        await notify(
            owner.id, NotificationTopic.ACCESS, "Запрос доступа", text, number_id=number.id
        )


_OWNERS_ABOVE_SQL = """
WITH RECURSIVE chain(id, owner_id, parent_id) AS (
  SELECT id, owner_id, parent_id FROM accounts WHERE id = ?
  UNION
  SELECT a.id, a.owner_id, a.parent_id FROM accounts a JOIN chain c ON a.id = c.parent_id
)
SELECT DISTINCT owner_id FROM chain
"""


async def _reachable_owner(
    msisdn: str, requester_id: int
) -> tuple[Number | None, Subscriber | None]:
    """The number and its account's owner, if a request may reach them; (None, None)
    otherwise. Every owner up the tree sees the request, so any of them forbidding
    requests, or having blocked the asker, stops it."""
    number = await Number.get_or_none(msisdn=msisdn)
    if number is None or number.status is NumberStatus.CLOSED or not number.accepts_access_requests:
        return None, None
    account = await Account.get(id=number.account_id)
    owner_ids = [row["owner_id"] for row in await fetch_all(_OWNERS_ABOVE_SQL, [account.id])]
    if account.owner_id == requester_id:
        return None, None
    if await Subscriber.filter(id__in=owner_ids, accepts_access_requests=False).exists():
        return None, None
    if await AccessRequestBlock.exists(owner_id__in=owner_ids, requester_id=requester_id):
        return None, None
    return number, await Subscriber.get(id=account.owner_id)


async def incoming(loaders: Loaders) -> list[dict[str, Any]]:
    reach = await loaders.reach()
    owned = [n for n in reach.numbers if reach.level(n) is Level.OWNER]
    return await request_rows(AccessRequest.filter(number_id__in=owned)) if owned else []


async def outgoing(viewer: Viewer) -> list[dict[str, Any]]:
    if viewer.subscriber_id is None:
        return []
    return await request_rows(AccessRequest.filter(requester_id=viewer.subscriber_id))


async def number_of_request(request_id: int) -> int | None:
    return await AccessRequest.filter(id=request_id).first().values_list("number_id", flat=True)


async def _decidable(services: Services, viewer: Viewer, request_id: int) -> AccessRequest:
    request = await AccessRequest.get_or_none(id=request_id)
    if request is None:
        raise NotFound(NO_SUCH_REQUEST)
    if request.requester_id == viewer.subscriber_id:
        raise Forbidden("You cannot decide on a request you made.")
    if request.status is not AccessRequestStatus.PENDING or request.expires_at <= services.clock():
        raise Conflict("This request is no longer pending.")
    return request


async def approve(
    services: Services,
    loaders: Loaders,
    viewer: Viewer,
    request_id: int,
    level: AccessLevel | None,
    expires_at: datetime | None,
) -> dict[str, Any]:
    owner_id = subscriber_of(viewer)
    request = await _decidable(services, viewer, request_id)
    granted = level or request.level
    if granted is AccessLevel.FULL and request.level is AccessLevel.TOPUP:
        raise BadUserInput("You may lower the requested level, not raise it.", field="level")
    now = services.clock()
    expiry = future_expiry(expires_at, now)
    async with in_transaction():
        decided = await AccessRequest.filter(
            id=request.id, status=AccessRequestStatus.PENDING
        ).update(status=AccessRequestStatus.APPROVED, decided_at=now)
        if not decided:
            raise Conflict("This request is no longer pending.")
        # Like grantAccess: the grantee holds one live grant per number.
        await AccessGrant.filter(
            number_id=request.number_id, grantee_subscriber_id=request.requester_id, revoked_at=None
        ).update(revoked_at=now)
        grant = await AccessGrant.create(
            number_id=request.number_id,
            granted_by_id=owner_id,
            grantee_subscriber_id=request.requester_id,
            level=granted,
            expires_at=expiry,
            source=GrantSource.REQUEST,
        )
        await AccessRequest.filter(id=request.id).update(grant_id=grant.id)
        await record_grant(
            OperationKind.ACCESS_REQUEST_APPROVE,
            grant,
            owner_actor(owner_id),
            now,
            request_id=request.id,
            requested_level=str(request.level),
        )
        await notify(
            request.requester_id,
            NotificationTopic.ACCESS,
            "Запрос доступа одобрен",
            APPROVED_TEXT.format(msisdn=request.msisdn, level=granted.value),
            number_id=request.number_id,
        )
    await audit.record(
        "access_request",
        "approved",
        at=now,
        subscriber_id=owner_id,
        detail=f"request {request.id} -> grant {grant.id} {granted}",
    )
    loaders.forget_reach()
    return (await request_rows(AccessRequest.filter(id=request.id)))[0]


async def deny(
    services: Services, viewer: Viewer, request_id: int, *, block: bool = False
) -> dict[str, Any]:
    owner_id = subscriber_of(viewer)
    request = await _decidable(services, viewer, request_id)
    now = services.clock()
    async with in_transaction():
        denied = await AccessRequest.filter(
            id=request.id, status=AccessRequestStatus.PENDING
        ).update(status=AccessRequestStatus.DENIED, decided_at=now)
        if denied:
            await notify(
                request.requester_id,
                NotificationTopic.ACCESS,
                "Запрос доступа отклонён",
                DENIED_TEXT.format(msisdn=request.msisdn),
                number_id=request.number_id,
            )
        if block:
            await AccessRequestBlock.get_or_create(
                owner_id=owner_id, requester_id=request.requester_id
            )
        if denied and request.number_id is not None:
            details = {"request_id": request.id, "level": str(request.level), "blocked": block}
            kind = OperationKind.ACCESS_REQUEST_DENY
            await record(request.number_id, kind, owner_actor(owner_id), now, details)
    return (await request_rows(AccessRequest.filter(id=request.id)))[0]


async def withdraw(services: Services, viewer: Viewer, request_id: int) -> dict[str, Any]:
    requester_id = subscriber_of(viewer)
    now = services.clock()
    async with in_transaction():
        withdrawn = await AccessRequest.filter(
            id=request_id, requester_id=requester_id, status=AccessRequestStatus.PENDING
        ).update(status=AccessRequestStatus.WITHDRAWN, decided_at=now)
        request = await AccessRequest.get_or_none(id=request_id)
        if withdrawn and request is not None and request.number_id is not None:
            details = {"request_id": request_id, "level": str(request.level)}
            kind = OperationKind.ACCESS_REQUEST_WITHDRAW
            await record(request.number_id, kind, _requester(requester_id), now, details)
    rows = await request_rows(AccessRequest.filter(id=request_id, requester_id=requester_id))
    if not rows:
        raise NotFound(NO_SUCH_REQUEST)
    if not withdrawn:
        raise Conflict("This request is no longer pending.")
    return rows[0]


async def set_policy(
    loaders: Loaders, viewer: Viewer, raw_msisdn: str | None, accept: bool, now: datetime
) -> None:
    """A number's change is recorded in its history; the subscriber-wide switch is not
    (it is no operation on any one number)."""
    if raw_msisdn is not None:
        number = await number_at_level(loaders, raw_msisdn, Level.OWNER)
        owner = owner_actor(subscriber_of(viewer))
        async with in_transaction():
            changed = await Number.filter(id=number.id, accepts_access_requests=not accept).update(
                accepts_access_requests=accept
            )
            if changed:
                kind = (
                    OperationKind.ACCESS_REQUESTS_ALLOW
                    if accept
                    else OperationKind.ACCESS_REQUESTS_FORBID
                )
                await record(number.id, kind, owner, now)
    else:
        owner_id = subscriber_of(viewer)
        await Subscriber.filter(id=owner_id).update(accepts_access_requests=accept)
    loaders.forget_reach()


def _requester(subscriber_id: int) -> Actor:
    return Actor(ActorRole.REQUESTER, subscriber_id=subscriber_id)
