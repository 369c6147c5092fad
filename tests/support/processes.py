"""Real gateway processes for tests that must cross process boundaries."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def kabinet_env(extra: dict[str, str]) -> dict[str, str]:
    keep = {
        k: v for k, v in os.environ.items() if not k.startswith(("KABINET", "DATABASE", "REDIS"))
    }
    return {**keep, **extra}


def run_kabinet(
    *args: str, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args],
        env=kabinet_env(env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@contextmanager
def gateway_process(env: dict[str, str], startup_timeout: float = 30) -> Iterator[str]:
    """Starts `kabinet serve` on a free port; yields its base URL; stops it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway", "serve", "--port", str(port)],
        env=kabinet_env(env),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"gateway exited: {process.stderr.read() if process.stderr else ''}"
                )
            try:
                if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gateway did not start in time")
            time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def killable_gateway_process(
    env: dict[str, str], startup_timeout: float = 30
) -> Iterator[tuple[subprocess.Popen, str]]:
    """Starts `kabinet serve` (one worker, in the process itself) on a free port and yields
    (process, base URL), so a test can kill it (SIGKILL) mid-request; stops it afterwards
    if it is still running. Its log goes to a temporary file (a pipe nobody reads could fill
    up and stall a busy gateway), quoted if it fails to start."""
    import tempfile

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gateway", "serve", "--port", str(port)],
            env=kabinet_env(env),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + startup_timeout
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"gateway exited: {log.read()}")
                try:
                    if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("gateway did not start in time")
                time.sleep(0.1)
            yield process, base_url
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def shared_store_env(database_url: str, tmp_path: Path, name: str) -> dict[str, str]:
    """The environment of gateway processes sharing the suite's store: its database when it
    is PostgreSQL, otherwise a freshly migrated SQLite file; Redis too when the suite runs
    with it."""
    from tests.conftest import TEST_REDIS_URL
    from tests.support.database import is_postgres_url

    if is_postgres_url(database_url):
        env = {"DATABASE_URL": database_url}
    else:
        env = {"DATABASE_URL": f"sqlite://{tmp_path}/{name}.sqlite3"}
        migrated = run_kabinet("migrate", env=env)
        assert migrated.returncode == 0, migrated.stderr
    if TEST_REDIS_URL:
        env["REDIS_URL"] = TEST_REDIS_URL
    env["SMS_OUTBOX_PATH"] = str(tmp_path / "outbox.jsonl")
    return env
