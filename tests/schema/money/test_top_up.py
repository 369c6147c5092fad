import asyncio

import pytest
from strawberry.relay import to_base64

from models import (
    AccessLevel,
    ActorRole,
    Balance,
    LedgerEntry,
    NumberStatus,
    Operation,
    Payment,
)
from resolvers.money.ledger import verify
from tests.support import family

TOP_UP = """
mutation($input: TopUpInput!) { topUp(input: $input) {
  payment { id status amount { amount currency } failureCode }
  number { msisdn accessLevel }
} }
"""


def top_up_input(msisdn, amount="150.00", key="k-1", **extra):
    return {
        "input": {
            "msisdn": msisdn,
            "amount": amount,
            "idempotencyKey": key,
            "cardToken": "tok_visa",
            **extra,
        }
    }


async def balance_of(number) -> int:
    return (await Balance.get(number_id=number.id)).amount


@pytest.fixture
async def owned():
    owner = await family.subscriber("Owner")
    number = await family.number(await family.account(owner), user=owner, balance=5000)
    return owner, number


async def test_top_up_as_owner_credits_the_balance_once(gql, viewers, owned):
    owner, number = owned
    result = await gql(TOP_UP, top_up_input(number.msisdn), token=await viewers.token_for(owner))
    payload = result.ok()["topUp"]
    assert payload["payment"]["status"] == "SUCCEEDED"
    assert payload["payment"]["amount"] == {"amount": "150.00", "currency": "RUB"}
    assert payload["number"] == {"msisdn": number.msisdn, "accessLevel": "OWNER"}
    assert await balance_of(number) == 5000 + 15000
    entry = await LedgerEntry.get(number_id=number.id, kind="TOPUP")
    assert (entry.amount, entry.balance_after) == (15000, 20000)
    assert entry.actor_subscriber_id == owner.id
    assert (await verify())[1] == []


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("tok_declined", "card_declined"),
        ("tok_insufficient_funds", "insufficient_funds"),
        ("tok_timeout", "timeout"),
    ],
)
async def test_refused_card_fails_the_payment_and_credits_nothing(gql, viewers, owned, token, code):
    owner, number = owned
    result = await gql(
        TOP_UP, top_up_input(number.msisdn, cardToken=token), token=await viewers.token_for(owner)
    )
    payment = result.ok()["topUp"]["payment"]
    assert (payment["status"], payment["failureCode"]) == ("FAILED", code)
    assert await balance_of(number) == 5000
    assert not await LedgerEntry.exists(number_id=number.id, kind="TOPUP")


async def test_same_key_and_input_returns_the_first_answer(gql, viewers, owned):
    owner, number = owned
    token = await viewers.token_for(owner)
    first = (await gql(TOP_UP, top_up_input(number.msisdn), token=token)).ok()
    again = (await gql(TOP_UP, top_up_input(number.msisdn), token=token)).ok()
    assert again["topUp"]["payment"] == first["topUp"]["payment"]
    assert await balance_of(number) == 20000
    assert await Payment.all().count() == 1


async def test_same_key_with_another_input_is_a_conflict(gql, viewers, owned):
    owner, number = owned
    token = await viewers.token_for(owner)
    assert (await gql(TOP_UP, top_up_input(number.msisdn), token=token)).ok()
    other = await gql(TOP_UP, top_up_input(number.msisdn, amount="200.00"), token=token)
    assert other.error_codes == ["CONFLICT"]
    assert await balance_of(number) == 20000


async def test_twenty_concurrent_requests_with_one_key_credit_once(gql, viewers, owned):
    owner, number = owned
    token = await viewers.token_for(owner)
    results = await asyncio.gather(
        *[gql(TOP_UP, top_up_input(number.msisdn, key="same"), token=token) for _ in range(20)]
    )
    ok = [r for r in results if not r.errors]
    assert ok, [r.errors for r in results]
    assert all(r.error_codes == ["CONFLICT"] for r in results if r.errors)
    assert len({r.data["topUp"]["payment"]["id"] for r in ok}) == 1
    assert await balance_of(number) == 20000
    assert await LedgerEntry.filter(number_id=number.id, kind="TOPUP").count() == 1


async def test_keys_are_scoped_to_the_payer(gql, viewers, owned):
    owner, number = owned
    relative = await family.subscriber("Relative")
    await family.grant(number, relative, AccessLevel.TOPUP, by=owner)
    for payer in (owner, relative):
        result = await gql(
            TOP_UP, top_up_input(number.msisdn, key="shared"), token=await viewers.token_for(payer)
        )
        assert result.ok()
    assert await balance_of(number) == 5000 + 2 * 15000


@pytest.mark.parametrize(
    ("amount", "limit"),
    [("9.99", "TOPUP_MIN"), ("15000.01", "TOPUP_MAX")],
)
async def test_amount_outside_the_limits_names_the_limit(gql, viewers, owned, amount, limit):
    owner, number = owned
    result = await gql(
        TOP_UP, top_up_input(number.msisdn, amount=amount), token=await viewers.token_for(owner)
    )
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["limit"] == limit
    assert result.errors[0]["extensions"]["field"] == "amount"
    assert not await Payment.exists()


async def test_amount_with_three_decimals_is_bad_input(gql, viewers, owned):
    owner, number = owned
    result = await gql(
        TOP_UP, top_up_input(number.msisdn, amount="10.001"), token=await viewers.token_for(owner)
    )
    assert result.error_codes == ["BAD_USER_INPUT"]


async def test_topup_delegate_within_the_grants_monthly_limit(gql, viewers, owned):
    owner, number = owned
    relative = await family.subscriber("Relative")
    grant = await family.grant(number, relative, AccessLevel.TOPUP, by=owner)
    grant.topup_monthly_limit = 30000
    await grant.save()
    token = await viewers.token_for(relative)
    first = await gql(TOP_UP, top_up_input(number.msisdn, amount="200.00", key="a"), token=token)
    assert first.ok()["topUp"]["number"]["accessLevel"] == "TOPUP"
    over = await gql(TOP_UP, top_up_input(number.msisdn, amount="100.01", key="b"), token=token)
    assert over.error_codes == ["BAD_USER_INPUT"]
    assert over.errors[0]["extensions"]["limit"] == "GRANT_MONTHLY"
    exact = await gql(TOP_UP, top_up_input(number.msisdn, amount="100.00", key="c"), token=token)
    assert exact.ok()
    payment = await Payment.get(idempotency_key=f"s{relative.id}:a")
    assert payment.grant_id == grant.id


async def test_daily_limit_per_payer(gql, viewers, owned, services):
    owner, number = owned
    services.limits = type(services.limits)(
        topup_min=1000, topup_max=1_500_000, daily_per_payer=50_000
    )
    token = await viewers.token_for(owner)
    assert (
        await gql(TOP_UP, top_up_input(number.msisdn, amount="400.00", key="a"), token=token)
    ).ok()
    over = await gql(TOP_UP, top_up_input(number.msisdn, amount="100.01", key="b"), token=token)
    assert over.errors[0]["extensions"]["limit"] == "DAILY_PER_PAYER"


async def test_failed_payments_do_not_count_towards_limits(gql, viewers, owned, services):
    owner, number = owned
    services.limits = type(services.limits)(
        topup_min=1000, topup_max=1_500_000, daily_per_payer=50_000
    )
    token = await viewers.token_for(owner)
    declined = top_up_input(number.msisdn, amount="400.00", key="a", cardToken="tok_declined")
    assert (await gql(TOP_UP, declined, token=token)).ok()
    assert (
        await gql(TOP_UP, top_up_input(number.msisdn, amount="400.00", key="b"), token=token)
    ).ok()


async def test_top_up_as_stranger_is_not_found(gql, viewers, owned):
    _, number = owned
    stranger = await family.subscriber("Stranger")
    result = await gql(TOP_UP, top_up_input(number.msisdn), token=await viewers.token_for(stranger))
    assert result.error_codes == ["NOT_FOUND"]
    assert await balance_of(number) == 5000


async def test_top_up_as_anonymous_is_unauthenticated(gql, owned):
    _, number = owned
    assert (await gql(TOP_UP, top_up_input(number.msisdn))).error_codes == ["UNAUTHENTICATED"]


async def test_top_up_as_partner_needs_the_topup_scope(gql, viewers, owned):
    owner, number = owned
    with_scope = await family.partner_app(["numbers:read", "topup"])
    without = await family.partner_app(["numbers:read"])
    blind = await family.partner_app(["topup"])
    for app in (with_scope, without, blind):
        await family.grant(number, app, AccessLevel.TOPUP, by=owner)
    ok = await gql(
        TOP_UP,
        top_up_input(number.msisdn, key="p1"),
        token=await viewers.partner_token(with_scope, ["numbers:read", "topup"]),
    )
    assert ok.ok()["topUp"]["payment"]["status"] == "SUCCEEDED"
    refused = await gql(
        TOP_UP,
        top_up_input(number.msisdn, key="p2"),
        token=await viewers.partner_token(without, ["numbers:read"]),
    )
    assert refused.error_codes == ["FORBIDDEN"]
    # A partner may top up through its grant without seeing the number.
    blind_result = await gql(
        TOP_UP,
        top_up_input(number.msisdn, key="p3"),
        token=await viewers.partner_token(blind, ["topup"]),
    )
    assert blind_result.ok()["topUp"]["number"] is None


async def test_payment_agent_tops_up_any_active_number_and_learns_nothing(gql, viewers, owned):
    _, number = owned
    agent = await family.partner_app(["topup:any"])
    token = await viewers.partner_token(agent, ["topup:any"])
    result = await gql(TOP_UP, top_up_input(number.msisdn), token=token)
    assert result.ok()["topUp"]["number"] is None
    assert await balance_of(number) == 20000
    number.status = NumberStatus.SUSPENDED
    await number.save()
    suspended = await gql(TOP_UP, top_up_input(number.msisdn, key="k-2"), token=token)
    assert suspended.error_codes == ["NOT_FOUND"]
    missing = await gql(TOP_UP, top_up_input("+79995550000", key="k-3"), token=token)
    assert missing.error_codes == ["NOT_FOUND"]


async def test_payment_agents_top_up_is_recorded_as_its_app_in_the_history(gql, viewers, owned):
    _, number = owned
    agent = await family.partner_app(["topup:any"])
    token = await viewers.partner_token(agent, ["topup:any"])
    assert (await gql(TOP_UP, top_up_input(number.msisdn), token=token)).ok()
    recorded = await Operation.get(number_id=number.id)
    assert (recorded.actor_role, recorded.actor_partner_id) == (ActorRole.PARTNER_APP, agent.id)
    assert recorded.actor_subscriber_id is None


async def test_exactly_one_payment_method(gql, viewers, owned):
    owner, number = owned
    both = top_up_input(number.msisdn, paymentMethodId=to_base64("PaymentCard", 1))
    result = await gql(TOP_UP, both, token=await viewers.token_for(owner))
    assert result.error_codes == ["BAD_USER_INPUT"]
