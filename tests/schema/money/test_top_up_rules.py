"""Top-up rules held exactly: which grant lends a delegate its cap, where the key and amount
limits lie, the limits' windows, and what the provider is asked to charge."""

import asyncio
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from models import (
    AccessLevel,
    ActorRole,
    LedgerEntry,
    NumberStatus,
    Operation,
    Payment,
    PaymentStatus,
)
from permissions.viewer import Viewer
from resolvers.errors import BadUserInput
from resolvers.events import balance_channel
from resolvers.loaders import Loaders
from resolvers.money.topups import TopUpRequest, top_up
from resolvers.services import MoneyLimits
from tests.support import family

TOP_UP = """
mutation($input: TopUpInput!) { topUp(input: $input) {
  payment { id status amount { amount currency } failureCode }
} }
"""
ADD_CARD = "mutation($token: String!) { addPaymentCard(token: $token) { id } }"
NOW = datetime(2026, 12, 15, 12, 0, 30, 500, tzinfo=UTC)  # seconds and microseconds too
MONTH_START = datetime(2026, 12, 1, tzinfo=UTC)


def top_up_input(msisdn, amount="150.00", key="k-1", **method):
    return {
        "input": {
            "msisdn": msisdn,
            "amount": amount,
            "idempotencyKey": key,
            **(method or {"cardToken": "tok_visa"}),
        }
    }


class RecordingProvider:
    """The sandbox, with every charge it is asked for written down."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name
        self.charges: list[tuple[str, int, str, str]] = []

    async def describe_card(self, token):
        return await self.inner.describe_card(token)

    async def charge(self, token, amount, currency, idempotency_key):
        self.charges.append((token, amount, currency, idempotency_key))
        return await self.inner.charge(token, amount, currency, idempotency_key)

    async def lookup(self, idempotency_key):
        return await self.inner.lookup(idempotency_key)


@pytest.fixture
def provider(services) -> RecordingProvider:
    services.payments = RecordingProvider(services.payments)
    return services.payments


@pytest.fixture
async def owned():
    owner = await family.subscriber("Owner")
    number = await family.number(await family.account(owner), user=owner, balance=0)
    return owner, number


CAN_TOP_UP = "query($m: String!) { number(msisdn: $m) { canTopUp } }"


async def paid_before(number, payer, amount, at, grant=None, status=PaymentStatus.SUCCEEDED):
    """A payment made earlier, as the limits' windows see it."""
    return await Payment.create(
        number_id=number.id,
        amount=amount,
        status=status,
        payer_subscriber_id=payer.id,
        grant_id=grant.id if grant else None,
        provider="sandbox",
        idempotency_key=f"s{payer.id}:earlier-{at.isoformat()}",
        request_hash="x",
        created_at=at,
        updated_at=at,
    )


async def capped_grant(number, to, owner, limit, **extra):
    grant = await family.grant(number, to, AccessLevel.TOPUP, by=owner, **extra)
    grant.topup_monthly_limit = limit
    await grant.save()
    return grant


# --- which grant lends a TOPUP delegate its monthly cap ---------------------------------


@pytest.mark.parametrize(
    "newer",
    ["expired", "revoked", "on another number", "held by another delegate"],
)
async def test_topup_delegate_is_capped_by_its_own_live_grant_only(gql, viewers, owned, newer):
    """A newer grant with a tighter cap that does not give this delegate this level (expired,
    revoked, on another number, someone else's) must not lend it its cap."""
    owner, number = owned
    relative = await family.subscriber("Relative")
    await capped_grant(number, relative, owner, 50000)
    ago = datetime.now(UTC) - timedelta(days=1)
    if newer == "expired":
        await capped_grant(number, relative, owner, 1000, expires_at=ago)
    elif newer == "revoked":
        await capped_grant(number, relative, owner, 1000, revoked_at=ago)
    elif newer == "on another number":
        other = await family.number(await family.account(owner), user=owner)
        await capped_grant(other, relative, owner, 1000)
    else:
        await capped_grant(number, await family.subscriber("Cousin"), owner, 1000)
    result = await gql(
        TOP_UP,
        top_up_input(number.msisdn, amount="400.00"),
        token=await viewers.token_for(relative),
    )
    assert result.ok()["topUp"]["payment"]["status"] == "SUCCEEDED"


async def test_topup_delegate_with_two_live_grants_is_capped_by_the_newest(gql, viewers, owned):
    owner, number = owned
    relative = await family.subscriber("Relative")
    await capped_grant(number, relative, owner, 1000)
    await capped_grant(number, relative, owner, 50000)
    result = await gql(
        TOP_UP,
        top_up_input(number.msisdn, amount="400.00"),
        token=await viewers.token_for(relative),
    )
    assert result.ok()["topUp"]["payment"]["status"] == "SUCCEEDED"


async def test_topup_delegate_is_capped_by_a_grant_that_expires_later(gql, viewers, owned):
    owner, number = owned
    relative = await family.subscriber("Relative")
    await capped_grant(
        number, relative, owner, 20000, expires_at=datetime.now(UTC) + timedelta(days=1)
    )
    token = await viewers.token_for(relative)
    over = await gql(TOP_UP, top_up_input(number.msisdn, amount="200.01"), token=token)
    assert over.errors[0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "amount",
        "limit": "GRANT_MONTHLY",
    }
    assert over.errors[0]["message"] == (
        "This would exceed the grant's monthly top-up limit of 200.00 RUB."
    )


async def test_partner_is_capped_by_its_own_grant_not_another_apps(gql, viewers, owned):
    """Another app's newer, tighter grant on the same number must not lend this app its cap."""
    owner, number = owned
    app = await family.partner_app(["topup"], name="A")
    other_app = await family.partner_app(["topup"], name="B")
    await capped_grant(number, app, owner, 50000)
    await capped_grant(number, other_app, owner, 1000)
    token = await viewers.partner_token(app, ["topup"])
    result = await gql(TOP_UP, top_up_input(number.msisdn, amount="400.00"), token=token)
    assert result.ok()["topUp"]["payment"]["status"] == "SUCCEEDED"


async def test_partner_with_a_topup_grant_is_capped_by_it(gql, viewers, owned):
    owner, number = owned
    app = await family.partner_app(["topup"])
    grant = await capped_grant(number, app, owner, 20000)
    token = await viewers.partner_token(app, ["topup"])
    first = await gql(TOP_UP, top_up_input(number.msisdn, amount="150.00", key="a"), token=token)
    assert first.ok()["topUp"]["payment"]["status"] == "SUCCEEDED"
    over = await gql(TOP_UP, top_up_input(number.msisdn, amount="50.01", key="b"), token=token)
    assert over.errors[0]["extensions"]["limit"] == "GRANT_MONTHLY"
    payment = await Payment.get(idempotency_key=f"p{app.id}:a")
    assert (payment.payer_partner_id, payment.payer_subscriber_id) == (app.id, None)
    assert payment.grant_id == grant.id
    entry = await LedgerEntry.get(number_id=number.id, kind="TOPUP")
    assert (entry.actor_partner_id, entry.actor_subscriber_id, entry.grant_id) == (
        app.id,
        None,
        grant.id,
    )
    assert entry.reason == f"Top-up, payment {payment.id}"
    recorded = await Operation.get(payment_id=payment.id)
    assert (recorded.actor_role, recorded.actor_partner_id, recorded.grant_id) == (
        ActorRole.PARTNER_APP,
        app.id,
        grant.id,
    )


# --- idempotency keys -------------------------------------------------------------------


async def test_two_partner_apps_with_one_key_each_pay_their_own_top_up(gql, viewers, owned):
    _, number = owned
    first_app = await family.partner_app(["topup:any"], name="A")
    second_app = await family.partner_app(["topup:any"], name="B")
    answers = []
    for app, amount in ((first_app, "100.00"), (second_app, "200.00")):
        token = await viewers.partner_token(app, ["topup:any"])
        result = await gql(
            TOP_UP, top_up_input(number.msisdn, amount=amount, key="shared"), token=token
        )
        answers.append(result.ok()["topUp"]["payment"])
    assert [a["amount"]["amount"] for a in answers] == ["100.00", "200.00"]
    assert answers[0]["id"] != answers[1]["id"]
    payers = await Payment.all().order_by("id").values_list("payer_partner_id", "idempotency_key")
    assert payers == [
        (first_app.id, f"p{first_app.id}:shared"),
        (second_app.id, f"p{second_app.id}:shared"),
    ]
    entries = await LedgerEntry.filter(kind="TOPUP").order_by("id").values_list("actor_partner_id")
    assert entries == [(first_app.id,), (second_app.id,)]


@pytest.mark.parametrize("key", ["", "   ", "k" * 101])
async def test_key_of_no_or_over_a_hundred_characters_is_bad_input(gql, viewers, owned, key):
    owner, number = owned
    result = await gql(
        TOP_UP, top_up_input(number.msisdn, key=key), token=await viewers.token_for(owner)
    )
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == "idempotencyKey"
    assert result.errors[0]["message"] == "idempotencyKey must have 1 to 100 characters."
    assert not await Payment.exists()


async def test_key_of_a_hundred_characters_is_kept_without_its_spaces(gql, viewers, owned):
    owner, number = owned
    key = "k" * 100
    result = await gql(
        TOP_UP, top_up_input(number.msisdn, key=f"  {key} "), token=await viewers.token_for(owner)
    )
    assert result.ok()["topUp"]["payment"]["status"] == "SUCCEEDED"
    assert await Payment.get(idempotency_key=f"s{owner.id}:{key}")


async def test_reserved_key_prefix_is_named(gql, viewers, owned):
    owner, number = owned
    result = await gql(
        TOP_UP, top_up_input(number.msisdn, key="autopay:x"), token=await viewers.token_for(owner)
    )
    assert result.errors[0]["message"] == (
        "idempotencyKey may not start with a reserved prefix (autopay:)."
    )


# --- amounts and the limits' windows -----------------------------------------------------


@pytest.mark.parametrize("amount", ["10.00", "15000.00"])
async def test_smallest_and_largest_top_up_are_allowed(gql, viewers, owned, amount):
    owner, number = owned
    result = await gql(
        TOP_UP, top_up_input(number.msisdn, amount=amount), token=await viewers.token_for(owner)
    )
    assert result.ok()["topUp"]["payment"]["amount"]["amount"] == amount


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("9.99", "The smallest top-up is 10.00 RUB."),
        ("15000.01", "The largest top-up is 15000.00 RUB."),
    ],
)
async def test_amount_refusals_say_what_is_allowed(gql, viewers, owned, amount, message):
    owner, number = owned
    result = await gql(
        TOP_UP, top_up_input(number.msisdn, amount=amount), token=await viewers.token_for(owner)
    )
    assert result.errors[0]["message"] == message
    assert result.error_codes == ["BAD_USER_INPUT"]


@pytest.fixture
def at_noon(services):
    services.clock = lambda: NOW
    services.limits = MoneyLimits(topup_min=1000, topup_max=1_500_000, daily_per_payer=50_000)


async def test_daily_limit_counts_the_last_24_hours_up_to_the_limit(gql, viewers, owned, at_noon):
    owner, number = owned
    await paid_before(number, owner, 30000, NOW - timedelta(hours=23, minutes=59))
    await paid_before(number, owner, 10000, NOW - timedelta(days=1, seconds=1))
    await paid_before(number, owner, 10000, NOW - timedelta(hours=1), status=PaymentStatus.FAILED)
    token = await viewers.token_for(owner)
    exact = await gql(TOP_UP, top_up_input(number.msisdn, amount="200.00", key="a"), token=token)
    assert exact.ok()["topUp"]["payment"]["status"] == "SUCCEEDED"
    over = await gql(TOP_UP, top_up_input(number.msisdn, amount="10.00", key="b"), token=token)
    assert over.errors[0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "amount",
        "limit": "DAILY_PER_PAYER",
    }
    assert over.errors[0]["message"] == (
        "This would exceed the daily top-up limit of 500.00 RUB per payer."
    )


async def test_daily_limit_counts_a_pending_payment(gql, viewers, owned, at_noon):
    owner, number = owned
    await paid_before(number, owner, 45000, NOW - timedelta(hours=1), status=PaymentStatus.PENDING)
    over = await gql(
        TOP_UP, top_up_input(number.msisdn, amount="50.01"), token=await viewers.token_for(owner)
    )
    assert over.errors[0]["extensions"]["limit"] == "DAILY_PER_PAYER"


async def test_grant_cap_counts_this_calendar_month_from_its_first_instant(
    gql, viewers, owned, at_noon
):
    owner, number = owned
    relative = await family.subscriber("Relative")
    grant = await capped_grant(number, relative, owner, 30000)
    await paid_before(number, relative, 10000, MONTH_START, grant=grant)
    await paid_before(number, relative, 10000, MONTH_START - timedelta(microseconds=1), grant=grant)
    token = await viewers.token_for(relative)
    exact = await gql(TOP_UP, top_up_input(number.msisdn, amount="200.00", key="a"), token=token)
    assert exact.ok()["topUp"]["payment"]["status"] == "SUCCEEDED"
    over = await gql(TOP_UP, top_up_input(number.msisdn, amount="10.00", key="b"), token=token)
    assert over.errors[0]["extensions"]["limit"] == "GRANT_MONTHLY"


# --- what the provider is asked for ------------------------------------------------------


async def test_top_up_charges_the_chosen_saved_card_the_exact_amount(gql, viewers, owned, provider):
    owner, number = owned
    token = await viewers.token_for(owner)
    cards = []
    for card_token in ("tok_visa", "tok_mastercard"):
        added = await gql(ADD_CARD, {"token": card_token}, token=token)
        cards.append(added.ok()["addPaymentCard"]["id"])
    result = await gql(
        TOP_UP,
        top_up_input(number.msisdn, amount="123.45", paymentMethodId=cards[1]),
        token=token,
    )
    payment = await Payment.get()
    assert result.ok()["topUp"]["payment"]["status"] == "SUCCEEDED"
    assert provider.charges == [("tok_mastercard", 12345, "RUB", f"payment:{payment.id}")]
    assert payment.card_id is not None
    assert (payment.amount, payment.currency, payment.provider) == (12345, "RUB", "sandbox")
    assert payment.provider_reference.startswith("sbx_")


@pytest.mark.parametrize("whose", ["another subscriber's", "removed", "a partner's"])
async def test_a_card_that_is_not_the_viewers_own_is_not_found(
    gql, viewers, owned, provider, whose
):
    owner, number = owned
    other = await family.subscriber("Other")
    card_owner = other if whose == "another subscriber's" else owner
    card_token = await viewers.token_for(card_owner)
    card = (await gql(ADD_CARD, {"token": "tok_visa"}, token=card_token)).ok()["addPaymentCard"]
    token = await viewers.token_for(owner)
    if whose == "removed":
        remove = "mutation($id: ID!) { removePaymentCard(id: $id) { last4 } }"
        assert (await gql(remove, {"id": card["id"]}, token=token)).ok()
    if whose == "a partner's":
        agent = await family.partner_app(["topup:any"])
        token = await viewers.partner_token(agent, ["topup:any"])
    result = await gql(TOP_UP, top_up_input(number.msisdn, paymentMethodId=card["id"]), token=token)
    assert result.error_codes == ["NOT_FOUND"]
    assert result.errors[0]["message"] == "No such saved card."
    assert provider.charges == []


async def test_successful_top_up_announces_the_new_balance(gql, viewers, owned, services):
    owner, number = owned
    async with services.events.subscribe(balance_channel(number.id)) as stream:
        result = await gql(
            TOP_UP, top_up_input(number.msisdn), token=await viewers.token_for(owner)
        )
        assert result.ok()["topUp"]["payment"]["status"] == "SUCCEEDED"
        message = await asyncio.wait_for(anext(stream), timeout=5)
    assert "at" in json.loads(message)


# --- who may top up, and what each refusal says ------------------------------------------

TOP_UP_SHOWING_BALANCE = """
mutation($input: TopUpInput!) { topUp(input: $input) {
  payment { status } number { balance { amount } }
} }
"""


async def test_the_payload_shows_the_balance_after_the_top_up(gql, viewers, owned):
    owner, number = owned
    token = await viewers.token_for(owner)
    result = await gql(TOP_UP_SHOWING_BALANCE, top_up_input(number.msisdn, key="k"), token=token)
    assert result.ok()["topUp"] == {
        "payment": {"status": "SUCCEEDED"},
        "number": {"balance": {"amount": "150.00"}},
    }
    assert (await Payment.get()).grant_id is None


async def test_one_character_key_is_enough(gql, viewers, owned):
    owner, number = owned
    result = await gql(
        TOP_UP, top_up_input(number.msisdn, key="k"), token=await viewers.token_for(owner)
    )
    assert result.ok()["topUp"]["payment"]["status"] == "SUCCEEDED"


@pytest.mark.parametrize(
    "method",
    [{}, {"cardToken": "tok_visa", "paymentMethodId": "UGF5bWVudENhcmQ6MQ=="}],
    ids=["neither", "both"],
)
async def test_exactly_one_payment_method_is_named_in_the_refusal(gql, viewers, owned, method):
    owner, number = owned
    payload = top_up_input(number.msisdn)
    payload["input"] = {k: v for k, v in payload["input"].items() if k != "cardToken"} | method
    result = await gql(TOP_UP, payload, token=await viewers.token_for(owner))
    assert result.errors[0]["message"] == "Give exactly one of paymentMethodId and cardToken."


async def test_anonymous_is_told_to_sign_in(gql, owned):
    _, number = owned
    result = await gql(TOP_UP, top_up_input(number.msisdn))
    assert result.errors[0]["message"] == "Sign in, or use a partner token, to top up."


async def test_closed_number_cannot_be_topped_up(gql, viewers, owned):
    owner, number = owned
    number.status = NumberStatus.CLOSED
    await number.save()
    result = await gql(TOP_UP, top_up_input(number.msisdn), token=await viewers.token_for(owner))
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["message"] == "This number is closed and cannot be topped up."
    assert not await Payment.exists()


@pytest.mark.parametrize(
    ("scopes", "code", "message"),
    [
        (["numbers:read"], "FORBIDDEN", "This token may not top up (it needs the `topup` scope)."),
        (["manage"], "NOT_FOUND", "No such number."),
    ],
)
async def test_app_with_a_grant_but_without_the_topup_scope(
    gql, viewers, owned, scopes, code, message
):
    """Without `numbers:read` the app cannot even know the number: NOT_FOUND, not FORBIDDEN."""
    owner, number = owned
    app = await family.partner_app(scopes)
    await family.grant(number, app, AccessLevel.FULL, by=owner)
    result = await gql(
        TOP_UP, top_up_input(number.msisdn), token=await viewers.partner_token(app, scopes)
    )
    assert [(e["extensions"]["code"], e["message"]) for e in result.errors] == [(code, message)]


async def test_stranger_and_payment_agent_are_told_no_such_number(gql, viewers, owned):
    _, number = owned
    stranger = await family.subscriber("Stranger")
    as_stranger = await gql(
        TOP_UP, top_up_input(number.msisdn), token=await viewers.token_for(stranger)
    )
    assert as_stranger.errors[0]["message"] == "No such number."
    agent = await family.partner_app(["topup:any"])
    missing = await gql(
        TOP_UP,
        top_up_input("+79995550000"),
        token=await viewers.partner_token(agent, ["topup:any"]),
    )
    assert missing.errors[0]["message"] == "No such active number."


async def test_amount_with_more_decimals_than_the_currency_is_refused_by_the_resolver_too(
    services, owned
):
    """The API's Decimal scalar refuses it first; autopay and scripts call the resolver."""
    owner, number = owned
    request = TopUpRequest(number.msisdn, Decimal("10.001"), "k", card_token="tok_visa")
    with pytest.raises(BadUserInput) as refused:
        await top_up(
            services,
            Loaders(Viewer(subscriber_id=owner.id), services),
            Viewer(subscriber_id=owner.id),
            request,
        )
    assert str(refused.value) == (
        "The amount must have at most 2 decimal places: RUB amounts have at most 2 decimal places"
    )


async def _relative_capped_at_300_in_mid_december(services, owned):
    """A relative's grant on the owner's number, capped at 300.00 a month, on a clock in
    mid-December with every part of the time set: (number, relative, grant)."""
    now = datetime(2026, 12, 15, 12, 34, 56, 789, tzinfo=UTC)
    services.clock = lambda: now
    owner, number = owned
    relative = await family.subscriber("Relative")
    return number, relative, await capped_grant(number, relative, owner, 30000)


async def test_a_delegates_can_top_up_counts_the_grants_spend_since_the_first_of_the_month(
    gql, viewers, services, owned, at_noon
):
    number, relative, grant = await _relative_capped_at_300_in_mid_december(services, owned)
    token = await viewers.token_for(relative)
    first = datetime(2026, 12, 1, tzinfo=UTC)
    # Last month's spend is not this month's: all 300.00 are left.
    await paid_before(number, relative, 29500, first - timedelta(microseconds=1), grant=grant)
    assert (await gql(CAN_TOP_UP, {"m": number.msisdn}, token=token)).ok()["number"]["canTopUp"]
    # Spent at the month's first instant: 5.00 left, below the smallest top-up (10.00).
    await paid_before(number, relative, 29500, first, grant=grant)
    assert not (await gql(CAN_TOP_UP, {"m": number.msisdn}, token=token)).ok()["number"]["canTopUp"]


async def test_can_top_up_ignores_a_newer_expired_grants_tighter_cap(gql, viewers, owned):
    owner, number = owned
    relative = await family.subscriber("Relative")
    await capped_grant(number, relative, owner, 50000)
    gone = datetime.now(UTC) - timedelta(days=1)
    await capped_grant(number, relative, owner, 500, expires_at=gone)  # 5.00: below any top-up
    token = await viewers.token_for(relative)
    assert (await gql(CAN_TOP_UP, {"m": number.msisdn}, token=token)).ok()["number"]["canTopUp"]


async def test_a_delegates_top_up_counts_the_grants_spend_since_the_months_first_instant(
    gql, viewers, services, owned, at_noon
):
    number, relative, grant = await _relative_capped_at_300_in_mid_december(services, owned)
    await paid_before(number, relative, 29500, datetime(2026, 12, 1, tzinfo=UTC), grant=grant)
    token = await viewers.token_for(relative)
    over = await gql(TOP_UP, top_up_input(number.msisdn, amount="10.00"), token=token)
    assert over.errors[0]["extensions"]["limit"] == "GRANT_MONTHLY"
