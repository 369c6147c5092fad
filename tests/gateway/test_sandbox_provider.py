"""The sandbox payment provider behaves like a real acquirer: what it charged is kept on
its side (its own table) and found again by the idempotency key after a restart, so a
payment interrupted by a killed worker settles to what really happened."""

from __future__ import annotations

from datetime import timedelta

from gateway.payments import SandboxPaymentProvider
from models import Balance, Payment
from resolvers.money.payments import Payer, Target, pay, reconcile_pending
from resolvers.operations.records import system_for
from tests.schema.money.test_interrupted_payments import ExplodingProvider, owned_number


async def test_a_charge_is_found_by_its_key_after_a_restart():
    before = SandboxPaymentProvider()
    charged = await before.charge("tok_visa", 10000, "RUB", idempotency_key="payment:1")
    after = SandboxPaymentProvider()  # a new process: nothing in memory
    assert await after.lookup("payment:1") == charged
    # The same key again is the first answer, whatever card it names now.
    assert await after.charge("tok_declined", 10000, "RUB", "payment:1") == charged
    assert await after.lookup("payment:2") is None


async def test_top_up_interrupted_then_restarted_settles_as_charged(services):
    owner, number = await owned_number()
    services.payments = ExplodingProvider(SandboxPaymentProvider())
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
    services.payments = SandboxPaymentProvider()  # the gateway restarted
    assert await reconcile_pending(services, older_than=timedelta(0)) == 1
    assert (await Payment.get(id=payment.id)).status == "SUCCEEDED"
    assert (await Balance.get(number_id=number.id)).amount == 10000
