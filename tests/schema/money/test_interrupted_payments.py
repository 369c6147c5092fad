"""Payments interrupted between the provider and the ledger, and autopay rules gone stale."""

from datetime import timedelta

from models import AccessLevel, AutopayRule, AutopayRun, Balance, Payment
from resolvers.money.autopay import run_due
from resolvers.money.ledger import verify
from resolvers.money.payments import Payer, Target, pay, reconcile_pending
from resolvers.operations.records import system_for
from resolvers.services import ChargeResult
from tests.support import family

ADD_CARD = 'mutation { addPaymentCard(token: "tok_visa") { id } }'
REMOVE_CARD = "mutation($id: ID!) { removePaymentCard(id: $id) { last4 } }"
SET_AUTOPAY = """
mutation($input: AutopayInput!) { setAutopay(input: $input) { kind } }
"""
TOP_UP = """
mutation($m: String!, $k: String!) { topUp(input: {msisdn: $m, amount: "100.00",
  idempotencyKey: $k, cardToken: "tok_visa"}) { payment { status } } }
"""


class ExplodingProvider:
    """Charges the card, then fails to answer: the outcome is unknown to the gateway."""

    name = "exploding"

    def __init__(self, inner) -> None:
        self.inner = inner

    async def describe_card(self, token):
        return await self.inner.describe_card(token)

    async def charge(self, token, amount, currency, idempotency_key):
        await self.inner.charge(token, amount, currency, idempotency_key)
        raise TimeoutError("no answer from the acquirer")

    async def lookup(self, idempotency_key):
        return await self.inner.lookup(idempotency_key)


async def owned_number(balance=0):
    owner = await family.subscriber()
    return owner, await family.number(await family.account(owner), user=owner, balance=balance)


async def test_unknown_provider_outcome_stays_pending_then_reconciles_to_one_credit(services):
    owner, number = await owned_number()
    services.payments = ExplodingProvider(services.payments)
    payment = await pay(
        services,
        Payer(subscriber_id=owner.id),
        Target(number.id),
        10000,
        token="tok_visa",
        card_id=None,
        key="k1",
        actor=system_for(owner.id),
    )
    assert payment.status == "PENDING"
    assert (await Balance.get(number_id=number.id)).amount == 0
    services.payments = services.payments.inner
    assert await reconcile_pending(services, older_than=timedelta(0)) == 1
    assert (await Payment.get(id=payment.id)).status == "SUCCEEDED"
    assert await reconcile_pending(services, older_than=timedelta(0)) == 0
    assert (await Balance.get(number_id=number.id)).amount == 10000
    assert (await verify())[1] == []


async def test_pending_payment_the_provider_never_saw_fails(services):
    owner, number = await owned_number()
    payment = await Payment.create(
        number_id=number.id,
        amount=5000,
        payer_subscriber_id=owner.id,
        provider="sandbox",
        idempotency_key="s:lost",
        request_hash="x",
        created_at=services.clock(),
        updated_at=services.clock(),
    )
    assert await reconcile_pending(services, older_than=timedelta(0)) == 1
    settled = await Payment.get(id=payment.id)
    assert (settled.status, settled.failure_code) == ("FAILED", "abandoned")
    assert (await Balance.get(number_id=number.id)).amount == 0


async def test_settling_twice_credits_once(services):
    from resolvers.money.payments import settle

    owner, number = await owned_number()
    payment = await Payment.create(
        number_id=number.id,
        amount=5000,
        payer_subscriber_id=owner.id,
        provider="sandbox",
        idempotency_key="s:twice",
        request_hash="x",
        created_at=services.clock(),
        updated_at=services.clock(),
    )
    for _ in range(2):
        await settle(services, payment, ChargeResult(True, reference="r"))
    assert (await Balance.get(number_id=number.id)).amount == 5000


async def test_client_keys_may_not_take_the_autopay_prefix(gql, viewers):
    owner, number = await owned_number()
    result = await gql(
        TOP_UP,
        {"m": number.msisdn, "k": "autopay:monthly:1:2026-12"},
        token=await viewers.token_for(owner),
    )
    assert result.error_codes == ["BAD_USER_INPUT"]


async def set_threshold_rule(gql, token, number):
    card = (await gql(ADD_CARD, token=token)).ok()["addPaymentCard"]
    await gql(
        SET_AUTOPAY,
        {
            "input": {
                "msisdn": number.msisdn,
                "kind": "THRESHOLD",
                "amount": "100.00",
                "threshold": "50.00",
                "paymentMethodId": card["id"],
            }
        },
        token=token,
    )
    return card


async def test_removing_the_card_drops_its_autopay_rule(gql, viewers, services):
    owner, number = await owned_number()
    token = await viewers.token_for(owner)
    card = await set_threshold_rule(gql, token, number)
    assert (await gql(REMOVE_CARD, {"id": card["id"]}, token=token)).ok()
    assert not await AutopayRule.exists(number_id=number.id)
    assert await run_due(services, services.clock()) == []
    assert not await Payment.exists()


async def test_autopay_of_someone_who_lost_access_is_dropped_not_paid(gql, viewers, services):
    owner, number = await owned_number()
    relative = await family.subscriber()
    grant = await family.grant(number, relative, AccessLevel.FULL, by=owner)
    await set_threshold_rule(gql, await viewers.token_for(relative), number)
    grant.revoked_at = services.clock()
    await grant.save()
    runs = await run_due(services, services.clock())
    assert [r.outcome for r in runs] == ["ACCESS_LOST"]
    assert not await AutopayRule.exists(number_id=number.id)
    assert not await Payment.exists()


async def test_one_broken_rule_does_not_stop_the_others(gql, viewers, services):
    first_owner, first = await owned_number()
    second_owner, second = await owned_number()
    await set_threshold_rule(gql, await viewers.token_for(first_owner), first)
    await set_threshold_rule(gql, await viewers.token_for(second_owner), second)
    real = services.payments

    class BrokenForFirst:
        name = "sandbox"

        async def describe_card(self, token):
            return await real.describe_card(token)

        async def lookup(self, key):
            return await real.lookup(key)

        async def charge(self, token, amount, currency, idempotency_key):
            payment = await Payment.get(id=int(idempotency_key.split(":")[1]))
            if payment.number_id == first.id:
                raise RuntimeError("acquirer down")
            return await real.charge(token, amount, currency, idempotency_key)

    services.payments = BrokenForFirst()
    runs = await run_due(services, services.clock())
    assert sorted(r.outcome for r in runs) == ["PENDING", "SUCCEEDED"]
    assert (await Balance.get(number_id=second.id)).amount == 10000
    assert await AutopayRun.all().count() == 2
