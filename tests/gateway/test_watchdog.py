"""A worker whose event loop is stuck ends itself (gateway/watchdog.py), and the supervisor
of `kabinet serve` brings a dead worker back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from gateway.watchdog import STUCK_EXIT_CODE, TERM_IGNORED_EXIT_CODE
from tests.support.processes import (
    ROOT,
    healthy,
    running_gateway,
    shared_store_env,
    wait_until_gone,
)

SLACK = 5.0  # seconds on top of a limit: a loaded CI machine, never a performance claim

# A process with an event loop watched like a worker's. It runs normally for a while (the
# watchdog must leave a healthy loop alone), says so, then blocks its loop.
LOOP_THEN_BLOCK = textwrap.dedent(
    """
    import asyncio, signal, sys, time
    from gateway.watchdog import Watchdog

    async def main(stuck_timeout, term_grace):
        # uvicorn's own SIGTERM handler only sets a flag for its loop to act upon.
        signal.signal(signal.SIGTERM, lambda sig, frame: None)
        Watchdog(stuck_timeout, term_grace=term_grace).start(asyncio.get_running_loop())
        for _ in range(30):  # 1.5 s of ordinary work, short callbacks
            await asyncio.sleep(0.05)
        print("healthy, now blocking", flush=True)
        time.sleep(60)  # a CPU-bound request, as far as the loop can tell
        print("not ended", flush=True)

    asyncio.run(main(float(sys.argv[1]), float(sys.argv[2])))
    """
)


def start_loop(stuck_timeout: float, term_grace: float) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", LOOP_THEN_BLOCK, str(stuck_timeout), str(term_grace)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_loop_blocked_longer_than_the_stuck_timeout_ends_its_process():
    process = start_loop(stuck_timeout=1.0, term_grace=30.0)
    try:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline() == "healthy, now blocking\n"
        blocked_at = time.monotonic()
        assert process.wait(timeout=1.0 + SLACK) == STUCK_EXIT_CODE
        assert time.monotonic() - blocked_at < 1.0 + SLACK
        assert "event loop blocked for" in process.stderr.read()
        assert process.stdout.read() == ""
    finally:
        process.kill()
        process.wait()


def test_a_sigterm_the_blocked_loop_never_acts_upon_ends_the_process_after_the_grace():
    process = start_loop(stuck_timeout=30.0, term_grace=1.0)
    try:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline() == "healthy, now blocking\n"
        time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=1.0 + SLACK) == TERM_IGNORED_EXIT_CODE
        assert "SIGTERM not acted upon" in process.stderr.read()
    finally:
        process.kill()
        process.wait()


@pytest.fixture
def gateway_env(database_url, tmp_path) -> dict[str, str]:
    return shared_store_env(database_url, tmp_path, "watchdog")


def test_a_killed_worker_is_replaced_and_healthz_answers_again(gateway_env):
    with running_gateway(gateway_env) as gateway:
        [worker] = gateway.worker_pids()
        assert f"worker {worker}: watchdog on" in gateway.log()
        os.kill(worker, signal.SIGKILL)
        wait_until_gone(worker)
        deadline = time.monotonic() + 30  # a replacement imports and starts the whole app
        while not (replacements := gateway.worker_pids()) or not healthy(gateway.base_url):
            assert gateway.process.poll() is None, "the supervisor itself ended"
            assert time.monotonic() < deadline, "no worker came back"
            time.sleep(0.1)
        assert replacements != [worker] and len(replacements) == 1
        assert f"worker {replacements[0]}: watchdog on" in gateway.log()
        # SIGTERM to the supervisor still stops everything, cleanly.
        gateway.process.terminate()
        assert gateway.process.wait(timeout=15) == 0
        wait_until_gone(replacements[0])
