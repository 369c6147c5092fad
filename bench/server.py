"""The gateway as one uvicorn worker in a subprocess, the way `kabinet serve` runs it."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.databases import ROOT, BenchError, gateway_env

_PROBLEM_MARKERS = (
    "Traceback",
    " ERROR ",
    " CRITICAL ",
    " WARNING ",
    "ERROR:",
    "WARNING:",
    '"level": "warning"',
    '"level": "error"',
    '"level": "critical"',
)
# A log record starts with our timestamp, uvicorn's `LEVEL:` or a JSON line's `{`; other
# lines (a traceback) continue the record before them.
_RECORD_START = re.compile(r"^(\d{4}-\d\d-\d\d |[A-Z]+: |\{)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Gateway:
    database: str
    base_url: str
    pid: int
    log_path: Path

    def problems(self) -> list[str]:
        """Warnings, errors and tracebacks the gateway logged so far, one string each."""
        records: list[list[str]] = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            if _RECORD_START.match(line) or not records:
                records.append([line])
            else:
                records[-1].append(line)
        return [
            "\n".join(record)
            for record in records
            if any(marker in line for line in record for marker in _PROBLEM_MARKERS)
        ]


def _wait_healthy(
    process: subprocess.Popen[bytes], base_url: str, log: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise BenchError(f"the gateway exited ({process.returncode}):\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise BenchError(f"the gateway did not answer /healthz in {timeout:.0f} s")
        time.sleep(0.1)


# `python -m gateway` with the cyclic garbage collector off: a diagnostic only (the worker's
# memory then grows with every cycle it makes), to tell GC pauses from other stalls.
NO_GC = ["-c", "import gc, runpy; gc.disable(); runpy.run_module('gateway', run_name='__main__')"]


@contextmanager
def running_gateway(
    database_url: str,
    secret_key: str,
    workdir: Path,
    database: str,
    startup_timeout: float = 60,
    interpreter_args: list[str] | None = None,
    settings: dict[str, str] | None = None,
) -> Iterator[Gateway]:
    """`interpreter_args` replaces `-m gateway` (e.g. NO_GC); the default is how an operator
    runs it. `settings` adds to (or overrides) the environment below."""
    port = free_port()
    log_path = workdir / f"gateway-{port}.log"
    env = gateway_env(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": secret_key,
            "SMS_OUTBOX_PATH": str(workdir / "sms-outbox.jsonl"),
            # All load comes from one address and one viewer: counted (the limiter's cost
            # is part of what is measured), never refused.
            "RATE_LIMIT_IP": "1000000000/minute",
            "RATE_LIMIT_VIEWER": "1000000000/minute",
            # Production's log format (JSON lines, as KABINET_ENV=prod picks): the text one
            # is for people reading a terminal and costs a tenth of a `{ __typename }`.
            "LOG_FORMAT": "json",
            **(settings or {}),
        }
    )
    launch = interpreter_args or ["-m", "gateway"]
    command = [sys.executable, *launch, "serve", "--port", str(port)]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            command,
            env=env,
            cwd=ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_healthy(process, base_url, log_path, startup_timeout)
            yield Gateway(database, base_url, process.pid, log_path)
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it has not ended in 15 s."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
