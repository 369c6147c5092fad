"""Every balance move publishes `balanceChanged`, whichever process makes it: the fee run
and the usage import of the command line (announced over PostgreSQL LISTEN/NOTIFY, or
Redis, to the gateway processes), the worker's tariff switch, POST /internal/usage."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from gateway.events import InProcessEventBus, PostgresEventBus
from models import Number
from resolvers.events import balance_channel
from resolvers.money.announced import charge_month_announced, ingest_announced
from tests.gateway.test_events import next_message, nothing_arrives
from tests.support import family
from tests.support.database import is_postgres_url
from tests.support.processes import run_kabinet

USAGE_CSV = (
    "id,msisdn,type,start,duration,bytes,counterpart,roaming_zone,cost\n"
    "net-1,{msisdn},CALL,2026-11-20T10:00:00Z,60,,+79160000000,,4.90\n"
)


async def charged_number() -> Number:
    owner = await family.subscriber("Owner")
    return await family.number(await family.account(owner), user=owner)


async def test_fee_run_announces_each_charged_number_once(services):
    bus = InProcessEventBus()
    number = await charged_number()
    async with bus.subscribe(balance_channel(number.id)) as messages:
        run = await charge_month_announced(replace(services, events=bus), "2026-11")
        assert run.fees_posted >= 1
        assert await next_message(messages)
        again = await charge_month_announced(replace(services, events=bus), "2026-11")
        assert again.fees_posted == 0
        assert await nothing_arrives(messages)  # nothing moved the second time


async def test_usage_import_announces_the_charged_numbers(services):
    bus = InProcessEventBus()
    number = await charged_number()
    row = {"id": "u-1", "msisdn": number.msisdn, "type": "SMS", "cost": "1.90",
           "start": "2026-11-20T10:00:00Z", "counterpart": "+79160000000"}  # fmt: skip
    async with bus.subscribe(balance_channel(number.id)) as messages:
        result = await ingest_announced(replace(services, events=bus), [row])
        assert result.accepted == 1
        assert await next_message(messages)


@pytest.mark.parametrize("command", ["fees", "usage"])
async def test_command_line_balance_moves_reach_gateways_on_postgres(
    database_url, tmp_path, command
):
    if not is_postgres_url(database_url):
        pytest.skip("across processes without Redis needs PostgreSQL (LISTEN/NOTIFY)")
    number = await charged_number()
    csv_file = tmp_path / "usage.csv"
    csv_file.write_text(USAGE_CSV.format(msisdn=number.msisdn), encoding="utf-8")
    args = ["fees", "charge", "--month", "2026-11"] if command == "fees" else []
    args = args or ["usage", "import", str(csv_file)]
    bus = PostgresEventBus.from_database_url(database_url)
    await bus.start()
    try:
        async with bus.subscribe(balance_channel(number.id)) as messages:
            ran = await asyncio.to_thread(run_kabinet, *args, env={"DATABASE_URL": database_url})
            assert ran.returncode == 0, ran.stderr
            assert await next_message(messages)
    finally:
        await bus.close()
