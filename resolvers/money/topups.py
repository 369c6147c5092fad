"""Top-ups: any viewer with TOPUP or above, a partner with `topup`, a payment agent with
`topup:any` on any active number. Idempotent as Stripe does it: the same key with the same
input returns the first answer, with another input CONFLICT; the balance is credited once,
only when the provider approves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from tortoise.expressions import Q

from models import (
    AccessGrant,
    ActorRole,
    Number,
    NumberStatus,
    Payment,
    PaymentCard,
)
from permissions.acting import actor_role
from permissions.levels import TOP_UP, TOP_UP_ANY, Level, allows
from permissions.viewer import Viewer
from resolvers.errors import BadUserInput, Forbidden, NotFound, Unauthenticated
from resolvers.home.naming import LineName, find_line, line_name
from resolvers.loaders import Loaders
from resolvers.money.amounts import to_decimal, to_minor_units
from resolvers.money.payments import Payer, Target, pay
from resolvers.operations.records import Actor, actor_on
from resolvers.services import Services

CURRENCY = "RUB"
REPLAY_WAIT = timedelta(seconds=3)
MAX_KEY_LENGTH = 100
# Keys the gateway itself uses for a payer's payments (autopay); clients may not take them.
RESERVED_KEY_PREFIXES = ("autopay:",)


@dataclass(frozen=True)
class TopUpRequest:
    msisdn: str | None  # or contract_number: exactly one names the line
    amount: Decimal
    idempotency_key: str
    payment_method_id: int | None = None
    card_token: str | None = None
    contract_number: str | None = None


async def top_up(
    services: Services, loaders: Loaders, viewer: Viewer, request: TopUpRequest
) -> Payment:
    if viewer.is_anonymous:
        raise Unauthenticated("Sign in, or use a partner token, to top up.")
    key = request.idempotency_key.strip()
    if not 0 < len(key) <= MAX_KEY_LENGTH:
        raise BadUserInput(
            f"idempotencyKey must have 1 to {MAX_KEY_LENGTH} characters.", field="idempotencyKey"
        )
    if key.startswith(RESERVED_KEY_PREFIXES):
        raise BadUserInput("idempotencyKey may not start with a reserved prefix (autopay:).")
    name = line_name(request.msisdn, request.contract_number)
    target, actor = await _target(loaders, viewer, name, services.clock())
    amount = _amount(services, request.amount)
    token, card_id = await _payment_method(viewer, request)
    payer = Payer(subscriber_id=viewer.subscriber_id, partner_app_id=viewer.partner_app_id)
    payment = await pay(
        services, payer, target, amount, token=token, card_id=card_id, key=key, actor=actor
    )
    loaders.forget_reach()  # the payload's number shows the new balance
    return payment


async def _target(
    loaders: Loaders, viewer: Viewer, name: LineName, now: datetime
) -> tuple[Target, Actor]:
    """Where the money goes, and who pays it on whose behalf (for the number's history)."""
    if viewer.is_partner and TOP_UP_ANY in viewer.scopes:
        if name.contract_number is not None:
            number = await Number.get_or_none(home_contract__contract_number=name.contract_number)
        else:
            number = await Number.get_or_none(msisdn=name.msisdn)
        if number is None or number.status is not NumberStatus.ACTIVE:
            raise NotFound("No such active number.")
        # A payment agent: no grant, only its own app.
        return Target(number.id, None, None), Actor(
            ActorRole.PARTNER_APP, partner_id=viewer.partner_app_id
        )
    reach = await loaders.reach()
    row = find_line(reach, name)
    level = reach.base_levels.get(row.id, Level.NONE) if row else Level.NONE
    visible = reach.level(row.id) if row else Level.NONE
    if row is None or level is Level.NONE:
        raise NotFound("No such number.")
    if not allows(viewer, level, Level.TOPUP, TOP_UP):
        if visible is Level.NONE:
            raise NotFound("No such number.")
        raise Forbidden("This token may not top up (it needs the `topup` scope).")
    if row.status == NumberStatus.CLOSED:
        raise BadUserInput("This number is closed and cannot be topped up.")
    if level is not Level.TOPUP:
        return Target(row.id, None, None), await actor_on(viewer, row, level)
    grantee = (
        {"grantee_subscriber_id": viewer.subscriber_id}
        if viewer.subscriber_id is not None
        else {"grantee_partner_id": viewer.partner_app_id}
    )
    # The live grant that gives the level (an expired one must not lend its missing cap).
    live = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    grant = (
        await AccessGrant.filter(live, number_id=row.id, revoked_at=None, level="TOPUP", **grantee)
        .order_by("-id")
        .first()
    )
    assert grant is not None, "a TOPUP level comes from a live TOPUP grant"
    is_user = viewer.subscriber_id is not None and row.user_id == viewer.subscriber_id
    role = actor_role(viewer, level, is_user)
    actor = Actor(role, viewer.subscriber_id, viewer.partner_app_id, grant.id)
    return Target(row.id, grant.id, grant.topup_monthly_limit), actor


def _amount(services: Services, raw: Decimal) -> int:
    try:
        minor = to_minor_units(Decimal(raw), CURRENCY)
    except (ValueError, InvalidOperation) as exc:
        raise BadUserInput(f"The amount must have at most 2 decimal places: {exc}") from exc
    limits = services.limits
    if minor < limits.topup_min:
        raise BadUserInput(
            f"The smallest top-up is {to_decimal(limits.topup_min, CURRENCY)} {CURRENCY}.",
            field="amount",
            limit="TOPUP_MIN",
        )
    if minor > limits.topup_max:
        raise BadUserInput(
            f"The largest top-up is {to_decimal(limits.topup_max, CURRENCY)} {CURRENCY}.",
            field="amount",
            limit="TOPUP_MAX",
        )
    return minor


async def _payment_method(viewer: Viewer, request: TopUpRequest) -> tuple[str, int | None]:
    if (request.payment_method_id is None) == (request.card_token is None):
        raise BadUserInput("Give exactly one of paymentMethodId and cardToken.")
    if request.card_token is not None:
        return request.card_token, None
    card = await PaymentCard.get_or_none(
        id=request.payment_method_id, subscriber_id=viewer.subscriber_id, removed_at=None
    )
    # A contract's session pays by card token only: the holder's saved cards are not its.
    if card is None or viewer.subscriber_id is None or viewer.line_id is not None:
        raise NotFound("No such saved card.")
    return card.provider_token, card.id
