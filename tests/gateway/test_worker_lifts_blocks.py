"""`kabinet worker --once`, two processes at once, lifts voluntary blocks that ended: each
once, with one completed UNBLOCK in each number's history, on the suite's PostgreSQL or on
a shared SQLite file."""

import asyncio
import re

import pytest

from tests.gateway.test_worker_switches_tariffs import execute
from tests.support.processes import run_kabinet, shared_store_env

# Every demo number blocked voluntarily until a day long past, each by its BLOCK operation;
# one more on a lost SIM, which no worker may lift.
BLOCK_OPERATIONS = """
INSERT INTO operations (number_id, kind, status, details, actor_role, created_at, finished_at)
SELECT id, 'BLOCK', 'COMPLETED', '{}', 'NUMBER_USER',
       '2020-01-01 00:00:00+00:00', '2020-01-01 00:00:00+00:00'
FROM numbers
"""
BLOCK_NUMBERS = """
UPDATE numbers SET status = 'BLOCKED', block_reason = 'VOLUNTARY',
  blocked_at = '2020-01-01 00:00:00+00:00', blocked_until = '2020-01-02 00:00:00+00:00',
  block_operation_id = (SELECT o.id FROM operations o
                        WHERE o.number_id = numbers.id AND o.kind = 'BLOCK')
"""
LOST = """
UPDATE numbers SET block_reason = 'LOST', blocked_until = NULL WHERE msisdn = '+79990000009'
"""
UNBLOCKS = """
SELECT COALESCE(n.msisdn, h.contract_number) AS line, COUNT(o.id) AS unblocks FROM numbers n
LEFT JOIN home_contracts h ON h.line_id = n.id
LEFT JOIN operations o ON o.number_id = n.id AND o.kind = 'UNBLOCK'
  AND o.status = 'COMPLETED' AND o.actor_role = 'SYSTEM'
GROUP BY n.id, n.msisdn, h.contract_number ORDER BY n.id
"""
STATUSES = "SELECT msisdn, status FROM numbers ORDER BY msisdn"


@pytest.fixture
def store(database_url, tmp_path) -> dict[str, str]:
    env = shared_store_env(database_url, tmp_path, "worker-blocks")
    seeded = run_kabinet("seed", "--demo", env=env)
    assert "demo data loaded" in seeded.stdout, seeded.stdout + seeded.stderr
    return env


async def test_two_workers_lift_each_ended_voluntary_block_once(store):
    for sql in (BLOCK_OPERATIONS, BLOCK_NUMBERS, LOST):
        await execute(store, sql)
    statuses = await execute(store, STATUSES)
    assert {row["status"] for row in statuses} == {"BLOCKED"}
    runs = await asyncio.gather(
        *[asyncio.to_thread(run_kabinet, "worker", "--once", env=store) for _ in range(2)]
    )
    assert all(run.returncode == 0 for run in runs), [run.stderr for run in runs]
    lifted = [
        number
        for run in runs
        for number in re.findall(r"voluntary block on number (\d+) ended", run.stderr + run.stdout)
    ]
    assert len(lifted) == len(set(lifted)) == len(statuses) - 1
    unblocks = {row["line"]: int(row["unblocks"]) for row in await execute(store, UNBLOCKS)}
    assert unblocks.pop("+79990000009") == 0  # the lost SIM stays blocked
    assert set(unblocks.values()) == {1}
    after = {row["msisdn"]: row["status"] for row in await execute(store, STATUSES)}
    assert after.pop("+79990000009") == "BLOCKED"
    assert set(after.values()) == {"ACTIVE"}
