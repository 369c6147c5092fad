"""Real gateway processes for tests that must cross process boundaries."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

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


@dataclass
class RunningGateway:
    """A `kabinet serve` started by a test: the supervisor process (uvicorn's, even for one
    worker) and its base URL. The workers are the supervisor's children."""

    process: subprocess.Popen
    base_url: str
    log_file: IO[str]

    def log(self) -> str:
        """What the supervisor and its workers have logged so far."""
        # pread: the file's offset is shared with the writers, so it must not be moved.
        fd = self.log_file.fileno()
        return os.pread(fd, os.fstat(fd).st_size, 0).decode(errors="replace")

    def worker_pids(self) -> list[int]:
        """The supervisor's worker processes (not multiprocessing's resource tracker)."""
        return [pid for pid, ppid in _processes() if ppid == self.process.pid and _is_worker(pid)]

    def kill(self) -> None:
        """SIGKILL, as a machine losing power: the supervisor first, so that nothing
        replaces its workers, then the workers, in the middle of whatever they do."""
        workers = self.worker_pids()
        self.process.kill()
        for pid in workers:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        for pid in workers:
            wait_until_gone(pid)

    def stop(self) -> None:
        """SIGTERM (the supervisor stops its workers); SIGKILL for all if that hangs."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


def wait_until_gone(pid: int, timeout: float = 10) -> None:
    """Waits for a process that is not our child to end (a zombie counts as ended)."""
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            raise RuntimeError(f"process {pid} still running")
        time.sleep(0.02)


def _processes() -> Iterator[tuple[int, int]]:
    """(pid, parent pid) of every process, from /proc."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name in parentheses may hold spaces: the fields follow its ")".
            yield int(entry.name), int(stat.rsplit(")", 1)[1].split()[1])


def _is_worker(pid: int) -> bool:
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@contextmanager
def running_gateway(
    env: dict[str, str], startup_timeout: float = 30, args: tuple[str, ...] = ()
) -> Iterator[RunningGateway]:
    """Starts `kabinet serve` on a free port and yields it once /healthz answers; stops it
    afterwards. Its log goes to a temporary file (a pipe nobody reads could fill up and
    stall a busy gateway), quoted if it fails to start."""
    import tempfile

    port = free_port()
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gateway", "serve", "--port", str(port), *args],
            env=kabinet_env(env),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        gateway = RunningGateway(process, f"http://127.0.0.1:{port}", log)
        try:
            deadline = time.monotonic() + startup_timeout
            while not healthy(gateway.base_url):
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"gateway exited: {log.read()}")
                if time.monotonic() > deadline:
                    raise RuntimeError("gateway did not start in time")
                time.sleep(0.1)
            yield gateway
        finally:
            gateway.stop()


def healthy(base_url: str, timeout: float = 1) -> bool:
    try:
        return httpx.get(f"{base_url}/healthz", timeout=timeout).status_code == 200
    except httpx.TransportError:
        return False


@contextmanager
def gateway_process(env: dict[str, str], startup_timeout: float = 30) -> Iterator[str]:
    """Starts `kabinet serve` on a free port; yields its base URL; stops it afterwards."""
    with running_gateway(env, startup_timeout) as gateway:
        yield gateway.base_url


@contextmanager
def killable_gateway_process(
    env: dict[str, str], startup_timeout: float = 30
) -> Iterator[RunningGateway]:
    """Starts `kabinet serve` (one worker under its supervisor) so that a test can kill it
    (`RunningGateway.kill`: SIGKILL, no replacement) mid-request; stops it afterwards if it
    is still running."""
    with running_gateway(env, startup_timeout) as gateway:
        yield gateway


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
