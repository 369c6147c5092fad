"""A real `kabinet worker` killed (SIGKILL) in the middle of writing an export: the job
stays RUNNING with no file, and once its lease has run out another worker makes it whole,
on the second attempt. On a SQLite file and on PostgreSQL."""

import asyncio
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from tortoise import connections

from tests.support.database import is_postgres_url
from tests.support.processes import ROOT, kabinet_env, run_kabinet, shared_store_env

RECORDS = 12_000
LEASE = 3  # seconds
PHONE = "+79990000001"  # the demo family's owner
START = datetime(2030, 1, 1, tzinfo=UTC)  # a month with no demo usage


@pytest.fixture
def store(database_url, tmp_path) -> dict[str, str]:
    env = shared_store_env(database_url, tmp_path, "exports")
    env["EXPORT_STORAGE_DIR"] = str(tmp_path / "exports")
    env["EXPORT_JOB_LEASE"] = str(LEASE)
    env["EMAIL_OUTBOX_DIR"] = str(tmp_path / "mail")
    seeded = run_kabinet("seed", "--demo", env=env)
    assert "demo data loaded" in seeded.stdout, seeded.stdout + seeded.stderr
    return env


async def execute(env: dict[str, str], sql: str, rows: list[tuple]) -> list[dict[str, Any]]:
    """Runs `sql` (with ? placeholders) once per row on the worker's database; returns what
    a single statement's RETURNING or SELECT gave."""
    if is_postgres_url(env["DATABASE_URL"]):
        connection = connections.get("default")
        numbered = sql
        for i in range(1, sql.count("?") + 1):
            numbered = numbered.replace("?", f"${i}", 1)
        if len(rows) > 1:
            await connection.execute_many(numbered, [list(row) for row in rows])
            return []
        return await connection.execute_query_dict(numbered, list(rows[0]) if rows else [])
    path = env["DATABASE_URL"].removeprefix("sqlite://")
    with sqlite3.connect(path, timeout=10) as db:
        db.row_factory = sqlite3.Row
        converted = [tuple(str(v) if isinstance(v, datetime) else v for v in r) for r in rows]
        if len(rows) > 1:
            db.executemany(sql, converted)
            return []
        return [dict(row) for row in db.execute(sql, converted[0] if rows else ())]


async def job_state(env: dict[str, str], job_id: int) -> dict[str, Any]:
    sql = "SELECT status, progress, attempts, row_count, storage_key FROM export_jobs WHERE id = ?"
    return (await execute(env, sql, [(job_id,)]))[0]


async def queue_an_export(env: dict[str, str]) -> int:
    [who] = await execute(
        env,
        "SELECT n.id AS number_id, s.id AS subscriber_id FROM numbers n "
        "JOIN subscribers s ON s.id = n.user_id WHERE n.msisdn = ?",
        [(PHONE,)],
    )
    await execute(
        env,
        "INSERT INTO usage_records (external_id, number_id, kind, direction, counterpart, "
        "started_at, duration_seconds, bytes, cost, currency) "
        "VALUES (?, ?, 'CALL', 'OUT', '+79161234567', ?, 60, NULL, 150, 'RUB')",
        [
            (f"killed-{i}", who["number_id"], START + timedelta(seconds=97 * i))
            for i in range(RECORDS)
        ],
    )
    now = datetime.now(UTC)
    [job] = await execute(
        env,
        "INSERT INTO export_jobs (number_id, subscriber_id, scopes, format, status, "
        "usage_filter, progress, attempts, created_at) "
        "VALUES (?, ?, '[]', 'PDF', 'QUEUED', ?, 0, 0, ?) RETURNING id",
        [
            (
                who["number_id"],
                who["subscriber_id"],
                '{"from": "2030-01-01T00:00:00+00:00", "to": "2030-02-01T00:00:00+00:00", '
                '"kinds": ["CALL"], "days": ["2030-01-01", "2030-01-31"]}',
                now,
            )
        ],
    )
    return int(job["id"])


async def test_a_worker_killed_mid_export_leaves_the_job_to_another(store, tmp_path):
    env = store
    job_id = await queue_an_export(env)
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(  # noqa: ASYNC220 (a real process, killed below)
        [sys.executable, "-m", "gateway", "worker", "--interval", "0.2"],
        env=kabinet_env(env),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # until the file is half written
            state = await job_state(env, job_id)
            if state["status"] == "RUNNING" and 20 <= state["progress"] < 90:
                break
            assert state["status"] in ("QUEUED", "RUNNING"), state
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            await asyncio.sleep(0.05)
        worker.kill()
        assert worker.wait(timeout=10) == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        log.close()

    killed = await job_state(env, job_id)
    assert (killed["status"], killed["attempts"], killed["storage_key"]) == ("RUNNING", 1, None)
    stored = Path(env["EXPORT_STORAGE_DIR"]) / "exports"
    assert not stored.exists() or list(stored.iterdir()) == []

    await asyncio.sleep(LEASE + 0.5)  # the dead worker's lease runs out
    retried = run_kabinet("worker", "--once", env=env, timeout=180)
    assert retried.returncode == 0, retried.stderr
    done = await job_state(env, job_id)
    assert (done["status"], done["attempts"], done["row_count"]) == ("SUCCEEDED", 2, RECORDS)
    [file] = list(stored.iterdir())
    assert PdfReader(file).pages[0].extract_text().count("+79161234567") > 10
    assert list((Path(env["EXPORT_STORAGE_DIR"]) / "spool").iterdir()) == []
