"""KABINET_INPROCESS_WORKER / `kabinet serve --with-worker`: a single-machine install
settles interrupted payments (and runs autopay and scheduled tariff changes) inside the
gateway process, without a second command; never more than one per host."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest

from gateway.app import create_app
from gateway.config import ConfigError, load_settings
from gateway.payments import SandboxPaymentProvider
from gateway.worker import worker_in_process
from models import Balance, Payment
from resolvers.services import utc_now
from tests.schema.money.test_interrupted_payments import owned_number


def test_the_setting_is_read_from_the_environment():
    assert load_settings({}).inprocess_worker is False
    on = load_settings({"KABINET_INPROCESS_WORKER": "1", "KABINET_WORKER_INTERVAL": "5"})
    assert (on.inprocess_worker, on.worker_interval) == (True, 5.0)
    with pytest.raises(ConfigError, match="KABINET_INPROCESS_WORKER"):
        load_settings({"KABINET_INPROCESS_WORKER": "maybe"})


@pytest.mark.parametrize(
    ("asked", "workers", "runs"),
    [(True, 1, True), (False, 1, False), (True, 2, False), (True, 8, False)],
)
def test_only_a_single_gateway_process_runs_the_worker(asked, workers, runs):
    # With several worker processes on the host each would run one: run `kabinet worker`.
    assert worker_in_process(asked, workers) is runs


async def test_gateway_with_inprocess_worker_settles_a_payment_left_pending(settings):
    owner, number = await owned_number()
    # A top-up whose worker was killed after the provider charged: PENDING, past the grace.
    long_ago = utc_now() - timedelta(minutes=10)
    payment = await Payment.create(
        number_id=number.id,
        amount=10000,
        payer_subscriber_id=owner.id,
        provider="sandbox",
        idempotency_key="s:killed",
        request_hash="x",
        created_at=long_ago,
        updated_at=long_ago,
    )
    await SandboxPaymentProvider().charge("tok_visa", 10000, "RUB", f"payment:{payment.id}")
    app = create_app(
        replace(settings, inprocess_worker=True, worker_interval=0.05), manage_database=False
    )
    async with app.router.lifespan_context(app), asyncio.timeout(10):
        while (await Payment.get(id=payment.id)).status == "PENDING":
            await asyncio.sleep(0.05)
    assert (await Payment.get(id=payment.id)).status == "SUCCEEDED"
    assert (await Balance.get(number_id=number.id)).amount == 10000
