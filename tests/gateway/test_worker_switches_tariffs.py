"""`kabinet worker --once`, two processes at once, switches a tariff change that came due:
once, on the suite's PostgreSQL or on a shared SQLite file."""

import asyncio
import sqlite3
from typing import Any

import pytest
from tortoise import connections

from tests.support.database import is_postgres_url
from tests.support.processes import run_kabinet, shared_store_env

PHONE = "+79990000001"  # the demo owner's number, on «Семейный»
SCHEDULE = """
INSERT INTO operations (number_id, kind, status, details, actor_role, created_at, scheduled_for)
SELECT n.id, 'TARIFF_CHANGE', 'CREATED',
       {details}, 'NUMBER_USER',
       '2020-01-01 00:00:00+00:00', '2020-01-02 00:00:00+00:00'
FROM numbers n, tariffs t WHERE n.msisdn = '+79990000001' AND t.code = 'smart'
"""
STATE = f"""
SELECT o.status, t.code FROM operations o JOIN numbers n ON n.id = o.number_id
JOIN tariffs t ON t.id = n.tariff_id WHERE n.msisdn = '{PHONE}' AND o.kind = 'TARIFF_CHANGE'
"""


async def execute(env: dict[str, str], sql: str) -> list[dict[str, Any]]:
    if is_postgres_url(env["DATABASE_URL"]):
        return await connections.get("default").execute_query_dict(sql)
    with sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite://"), timeout=5) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(sql)]


@pytest.fixture
def store(database_url, tmp_path) -> dict[str, str]:
    env = shared_store_env(database_url, tmp_path, "worker-tariffs")
    seeded = run_kabinet("seed", "--demo", env=env)
    assert "demo data loaded" in seeded.stdout, seeded.stdout + seeded.stderr
    return env


async def test_two_workers_switch_a_due_tariff_change_once(store):
    details = """'{"tariff_id": ' || t.id || ', "disconnect_incompatible": false}'"""
    if is_postgres_url(store["DATABASE_URL"]):
        details = f"({details})::jsonb"
    await execute(store, SCHEDULE.format(details=details))
    runs = await asyncio.gather(
        *[asyncio.to_thread(run_kabinet, "worker", "--once", env=store) for _ in range(2)]
    )
    assert all(run.returncode == 0 for run in runs), [run.stderr for run in runs]
    switched = [run for run in runs if "tariff change" in run.stderr + run.stdout]
    assert len(switched) == 1, [run.stderr for run in runs]
    assert await execute(store, STATE) == [{"status": "COMPLETED", "code": "smart"}]
