"""Drives a running gateway with a load generator in its own process (wrk when installed,
else bench.httpx_client), at a fixed concurrency for a fixed time."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.databases import ROOT, BenchError
from bench.queries import Query

WRK_SCRIPT = Path(__file__).with_name("wrk_graphql.lua")
MARKER = "BENCH_JSON "


@dataclass(frozen=True)
class LoadResult:
    client: str
    requests: int
    duration_s: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    bad_status: int
    graphql_errors: int
    transport_errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    @property
    def errors(self) -> int:
        return self.bad_status + self.graphql_errors + self.transport_errors

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rps": round(self.rps, 1), "errors": self.errors}


def pick_client(wanted: str) -> str:
    if wanted == "auto":
        return "wrk" if shutil.which("wrk") else "httpx"
    if wanted == "wrk" and not shutil.which("wrk"):
        raise BenchError("wrk is not installed (apt-get install -y wrk), use --client httpx")
    return wanted


def _command(client: str, url: str, seconds: float, concurrency: int, threads: int) -> list[str]:
    if client == "wrk":
        wrk = shutil.which("wrk") or "wrk"
        return [
            *(wrk, f"-t{threads}", f"-c{concurrency}", f"-d{max(1, round(seconds))}s"),
            *("--timeout", "30s", "-s", str(WRK_SCRIPT), url),
        ]
    return [
        *(sys.executable, "-m", "bench.httpx_client", url),
        *("--seconds", str(seconds), "--concurrency", str(concurrency)),
    ]


def run_load(
    *,
    client: str,
    base_url: str,
    query: Query,
    token: str,
    seconds: float,
    concurrency: int,
    threads: int = 1,
) -> LoadResult:
    """Keeps `concurrency` connections busy with `query` for `seconds`."""
    env = {
        **os.environ,
        "BENCH_BODY": query.body,
        "BENCH_TOKEN": token if query.authenticated else "",
    }
    result = subprocess.run(  # noqa: S603 (our own arguments)
        _command(client, f"{base_url}/graphql", seconds, concurrency, threads),
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        check=False,
    )
    for line in result.stdout.splitlines():
        if line.startswith(MARKER):
            return LoadResult(client=client, **json.loads(line.removeprefix(MARKER)))
    raise BenchError(f"{client} failed ({result.returncode}): {result.stdout}{result.stderr}")
