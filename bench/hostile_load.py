"""The two kinds of client bench.hostile runs, each in its own process: one wrk per hostile
kind (`wrk_hostile.lua`), and the probe (`hostile_probe.py`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.databases import ROOT, BenchError
from bench.hostile_documents import Kind
from bench.hostile_report import percentile
from bench.load import MARKER

WRK_SCRIPT = Path(__file__).with_name("wrk_hostile.lua")


def _parse_marker(client: str, stdout: str, stderr: str, returncode: int) -> dict[str, Any]:
    for line in stdout.splitlines():
        if line.startswith(MARKER):
            result: dict[str, Any] = json.loads(line.removeprefix(MARKER))
            return result
    raise BenchError(f"{client} failed ({returncode}): {stdout}{stderr}")


@dataclass
class HostileClient:
    """A running wrk that keeps `connections` connections busy with one kind."""

    kind: Kind
    process: subprocess.Popen[str]
    seconds: int

    def result(self) -> dict[str, Any]:
        try:
            stdout, stderr = self.process.communicate(timeout=self.seconds + 60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            stdout, stderr = self.process.communicate()
        return _parse_marker(f"wrk ({self.kind.name})", stdout, stderr, self.process.returncode)


def start_hostile(
    kind: Kind,
    url: str,
    token: str,
    seconds: int,
    connections: int,
    max_requests: int,
    tag: str,
    workdir: Path,
) -> HostileClient:
    wrk = shutil.which("wrk")
    if not wrk:
        raise BenchError("bench.hostile needs wrk (apt-get install -y wrk)")
    body_file = workdir / f"hostile-{kind.name}.json"
    body_file.write_text(kind.body())
    env = {
        **os.environ,
        "BENCH_BODY_FILE": str(body_file),
        "BENCH_TOKEN": token if kind.authenticated else "",
        "BENCH_EXPECT": kind.refused_by or "answered",
        "BENCH_MAX_REQUESTS": str(max_requests),
        "BENCH_TAG": tag,
    }
    # One thread per connection: wrk's thread:stop() (the request cap) stops a thread.
    command = [
        *(wrk, f"-t{connections}", f"-c{connections}", f"-d{seconds}s"),
        *("--timeout", "30s", "-s", str(WRK_SCRIPT), url),
    ]
    process = subprocess.Popen(  # noqa: S603 (our own arguments)
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    return HostileClient(kind, process, seconds)


@dataclass(frozen=True)
class ProbeResult:
    sent: int
    duration_s: float
    latencies_ms: list[float]  # sorted
    failures: list[str]
    max_late_ms: float  # the probe process's own lag behind its schedule

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies_ms, 99)

    @property
    def max_ms(self) -> float:
        return self.latencies_ms[-1] if self.latencies_ms else 0.0


def start_probe(url: str, rate: float, seconds: float) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [
            *(sys.executable, "-m", "bench.hostile_probe", url),
            *("--rate", str(rate), "--seconds", str(seconds)),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def probe_result(process: subprocess.Popen[str], seconds: float) -> ProbeResult:
    try:
        stdout, stderr = process.communicate(timeout=seconds + 90)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    return ProbeResult(**_parse_marker("the probe", stdout, stderr, process.returncode))
