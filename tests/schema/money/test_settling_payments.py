"""Settling a payment: the reconciler's grace period, a late answer that must not overwrite a
final one, and the replay that waits for the first request's outcome."""

import asyncio
import logging
from datetime import timedelta

import pytest

from models import Balance, LedgerEntry, Payment, PaymentStatus
from resolvers.money import payments
from resolvers.money.payments import Payer, Target, reconcile_pending, request_hash, settle
from resolvers.operations.records import system_for
from resolvers.services import ChargeResult
from tests.support import family

TOP_UP = """
mutation($m: String!, $k: String!) { topUp(input: {msisdn: $m, amount: "100.00",
  idempotencyKey: $k, cardToken: "tok_visa"}) { payment { id status } } }
"""


@pytest.fixture
async def owned():
    owner = await family.subscriber("Owner")
    number = await family.number(await family.account(owner), user=owner, balance=0)
    return owner, number


async def pending(services, owner, number, age=timedelta(0), key="lost"):
    """A payment its request left PENDING `age` ago (a crash between provider and ledger)."""
    at = services.clock() - age
    return await Payment.create(
        number_id=number.id,
        amount=10000,
        payer_subscriber_id=owner.id,
        provider="sandbox",
        idempotency_key=f"{Payer(subscriber_id=owner.id).key_prefix}:{key}",
        request_hash=request_hash(Target(number.id), 10000, None, "tok_visa"),
        created_at=at,
        updated_at=at,
    )


async def balance_of(number) -> int:
    return (await Balance.get(number_id=number.id)).amount


async def test_reconciler_leaves_payments_still_within_the_grace_period(services, owned):
    owner, number = owned
    fresh = await pending(services, owner, number, age=timedelta(minutes=1, seconds=50), key="a")
    stale = await pending(services, owner, number, age=timedelta(minutes=2, seconds=10), key="b")
    older = await pending(services, owner, number, age=timedelta(hours=1), key="c")
    assert await reconcile_pending(services) == 2
    assert (await Payment.get(id=fresh.id)).status == PaymentStatus.PENDING
    for payment in (stale, older):
        settled = await Payment.get(id=payment.id)
        assert (settled.status, settled.failure_code) == (PaymentStatus.FAILED, "abandoned")


async def test_reconciler_settles_from_the_providers_record_of_the_charge(services, owned):
    owner, number = owned
    payment = await pending(services, owner, number, age=timedelta(minutes=5))
    charged = await services.payments.charge("tok_visa", 10000, "RUB", f"payment:{payment.id}")
    assert await reconcile_pending(services) == 1
    settled = await Payment.get(id=payment.id)
    assert (settled.status, settled.provider_reference) == ("SUCCEEDED", charged.reference)
    assert await balance_of(number) == 10000


async def test_one_payment_the_reconciler_cannot_settle_does_not_stop_the_others(
    services, owned, caplog
):
    owner, number = owned
    broken = await pending(services, owner, number, age=timedelta(minutes=5), key="a")
    sound = await pending(services, owner, number, age=timedelta(minutes=5), key="b")
    real = services.payments

    class LookupFailsForOne:
        name = real.name

        async def lookup(self, key):
            if key == f"payment:{broken.id}":
                raise ConnectionError("provider unreachable")
            return await real.lookup(key)

    services.payments = LookupFailsForOne()
    with caplog.at_level(logging.ERROR, logger="kabinet.payments"):
        assert await reconcile_pending(services) == 1
    assert [r.getMessage() for r in caplog.records] == [f"could not settle payment {broken.id}"]
    assert (await Payment.get(id=broken.id)).status == PaymentStatus.PENDING
    assert (await Payment.get(id=sound.id)).status == PaymentStatus.FAILED


async def test_late_failure_does_not_overwrite_a_succeeded_payment(services, owned):
    owner, number = owned
    payment = await pending(services, owner, number)
    settled_at = services.clock() + timedelta(seconds=5)
    services.clock = lambda: settled_at
    assert await settle(services, payment, ChargeResult(True, reference="r1")) is True
    assert await settle(services, payment, ChargeResult(False, failure_code="timeout")) is False
    settled = await Payment.get(id=payment.id)
    assert (settled.status, settled.failure_code, settled.provider_reference) == (
        PaymentStatus.SUCCEEDED,
        None,
        "r1",
    )
    assert settled.ledger_entry_id == (await LedgerEntry.get(kind="TOPUP")).id
    assert settled.updated_at == settled_at
    assert await balance_of(number) == 10000


async def test_charge_after_the_payment_failed_credits_nothing_and_asks_for_a_refund(
    services, owned, caplog
):
    owner, number = owned
    payment = await pending(services, owner, number)
    given_up_at = services.clock() + timedelta(minutes=3)
    services.clock = lambda: given_up_at
    assert await settle(services, payment, ChargeResult(False, failure_code="timeout")) is True
    with caplog.at_level(logging.ERROR, logger="kabinet.payments"):
        assert await settle(services, payment, ChargeResult(True, reference="r1")) is False
    settled = await Payment.get(id=payment.id)
    assert (settled.status, settled.failure_code) == (PaymentStatus.FAILED, "timeout")
    assert settled.updated_at == given_up_at
    assert await balance_of(number) == 0
    assert [r.getMessage() for r in caplog.records] == [
        f"payment {payment.id} charged after it was marked FAILED: refund it"
    ]


async def test_replay_waits_for_the_first_request_still_in_flight(gql, viewers, services, owned):
    owner, number = owned
    first = await pending(services, owner, number, key="k")

    async def first_request_finishes():
        await asyncio.sleep(0.3)
        await settle(services, first, ChargeResult(True, reference="r1"))

    finishing = asyncio.create_task(first_request_finishes())
    replay = await gql(TOP_UP, {"m": number.msisdn, "k": "k"}, token=await viewers.token_for(owner))
    await finishing
    assert replay.ok()["topUp"]["payment"]["status"] == "SUCCEEDED"
    assert await Payment.all().count() == 1
    assert await balance_of(number) == 10000


async def test_replay_of_a_request_stuck_in_flight_is_a_conflict(
    gql, viewers, services, owned, monkeypatch
):
    owner, number = owned
    await pending(services, owner, number, key="k")
    monkeypatch.setattr(payments, "REPLAY_WAIT", timedelta(seconds=0.3))
    replay = await gql(TOP_UP, {"m": number.msisdn, "k": "k"}, token=await viewers.token_for(owner))
    assert replay.error_codes == ["CONFLICT"]
    assert replay.errors[0]["message"] == (
        "A top-up with this idempotency key is still in progress. Retry later."
    )


@pytest.mark.parametrize(
    ("token", "status", "failure_code", "referenced"),
    [("tok_visa", "SUCCEEDED", None, True), ("tok_declined", "FAILED", "card_declined", False)],
)
async def test_pay_answers_with_what_it_settled(
    services, owned, token, status, failure_code, referenced
):
    owner, number = owned
    payment = await payments.pay(
        services,
        Payer(subscriber_id=owner.id),
        Target(number.id),
        10000,
        token=token,
        card_id=None,
        key="k",
        actor=system_for(owner.id),
    )
    stored = await Payment.get(id=payment.id)
    assert (payment.status, payment.failure_code) == (status, failure_code)
    assert payment.provider_reference == stored.provider_reference
    assert (payment.provider_reference is not None) == referenced
    assert (stored.status, stored.failure_code) == (status, failure_code)


async def test_unknown_outcome_is_logged_and_left_pending(services, owned, caplog):
    owner, number = owned
    real = services.payments

    class NoAnswer:
        name = real.name

        async def charge(self, token, amount, currency, idempotency_key):
            raise TimeoutError("no answer from the acquirer")

    services.payments = NoAnswer()
    with caplog.at_level(logging.ERROR, logger="kabinet.payments"):
        payment = await payments.pay(
            services,
            Payer(subscriber_id=owner.id),
            Target(number.id),
            10000,
            token="tok_visa",
            card_id=None,
            key="k",
            actor=system_for(owner.id),
        )
    assert payment.status == PaymentStatus.PENDING
    assert [r.getMessage() for r in caplog.records] == [
        f"payment {payment.id}: provider call failed, left PENDING"
    ]


async def test_same_key_with_another_card_token_is_a_conflict(gql, viewers, owned):
    owner, number = owned
    token = await viewers.token_for(owner)
    first = TOP_UP.replace("tok_visa", "tok_mastercard")
    assert (await gql(first, {"m": number.msisdn, "k": "k"}, token=token)).ok()
    again = await gql(TOP_UP, {"m": number.msisdn, "k": "k"}, token=token)
    assert again.error_codes == ["CONFLICT"]
    assert again.errors[0]["message"] == "This idempotency key was used for a different top-up."


async def test_same_key_with_a_saved_card_after_its_raw_token_is_a_conflict(gql, viewers, owned):
    owner, number = owned
    token = await viewers.token_for(owner)
    card = await gql('mutation { addPaymentCard(token: "tok_visa") { id } }', token=token)
    assert (await gql(TOP_UP, {"m": number.msisdn, "k": "k"}, token=token)).ok()
    with_card = TOP_UP.replace('cardToken: "tok_visa"', "paymentMethodId: $c").replace(
        "$k: String!)", "$k: String!, $c: ID!)"
    )
    again = await gql(
        with_card,
        {"m": number.msisdn, "k": "k", "c": card.ok()["addPaymentCard"]["id"]},
        token=token,
    )
    assert again.error_codes == ["CONFLICT"]


async def test_a_top_up_settled_meanwhile_by_the_reconciler_answers_what_was_stored(
    gql, viewers, services, owned
):
    # The provider answers late: by then the reconciler (another worker) has settled the
    # payment from the provider's record. The request's own settle loses and must answer
    # with the stored payment, credited once.
    owner, number = owned
    real = services.payments

    class AnswersAfterTheReconciler:
        name = real.name

        async def charge(self, token, amount, currency, idempotency_key):
            charged = await real.charge(token, amount, currency, idempotency_key)
            assert await reconcile_pending(services, older_than=timedelta(0)) == 1
            return charged

        async def lookup(self, key):
            return await real.lookup(key)

    services.payments = AnswersAfterTheReconciler()
    answer = await gql(
        TOP_UP, {"m": number.msisdn, "k": "late"}, token=await viewers.token_for(owner)
    )
    paid = answer.ok()["topUp"]["payment"]
    stored = await Payment.get(number_id=number.id)
    assert paid["status"] == "SUCCEEDED" == stored.status
    assert await balance_of(number) == 10000
    assert await LedgerEntry.filter(number_id=number.id, kind="TOPUP").count() == 1
