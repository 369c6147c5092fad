"""The results table and the JSON record of a run."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.databases import ROOT
from bench.load import LoadResult
from bench.statements import StatementCount

HEADERS = (
    "database", "N", "query", "requests/s", "p50 ms", "p99 ms", "errors", "SQL/req",
    "% ceiling", "rounds", "server CPU", "CPU ms/req",
)  # fmt: skip


@dataclass(frozen=True)
class Row:
    database: str
    numbers: int
    query: str
    load: LoadResult
    statements: StatementCount
    ceiling_rps: float | None  # `{ __typename }` on the same gateway; None for that row itself
    server_cpu_s: float  # CPU the gateway process used during the measured seconds
    busy_before: float | None  # % of all CPUs busy with other work just before the run
    source: str  # bench.source fingerprint of the gateway code measured
    # % of the ceiling in every round, in order; this row is the median round's.
    round_percents: list[float] = field(default_factory=list)

    @property
    def server_cpu_percent(self) -> float:
        return 100 * self.server_cpu_s / self.load.duration_s if self.load.duration_s else 0.0

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * self.server_cpu_s / self.load.requests if self.load.requests else 0.0

    @property
    def percent_of_ceiling(self) -> float | None:
        if not self.ceiling_rps:
            return None
        return 100 * self.load.rps / self.ceiling_rps

    def cells(self) -> tuple[str, ...]:
        percent = self.percent_of_ceiling
        return (
            self.database,
            str(self.numbers),
            self.query,
            f"{self.load.rps:,.0f}",
            f"{self.load.p50_ms:.2f}",
            f"{self.load.p99_ms:.2f}",
            f"{self.load.errors}" + (" !!!" if self.load.errors else ""),
            str(self.statements.steady),
            "-" if percent is None else f"{percent:.1f}%",
            _spread(self.round_percents),
            f"{self.server_cpu_percent:.0f}%",
            f"{self.cpu_ms_per_request:.3f}",
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "numbers": self.numbers,
            "query": self.query,
            **self.load.as_dict(),
            "statements_per_request": self.statements.steady,
            "statements_each_request": self.statements.per_request,
            "statements": self.statements.statements,
            "ceiling_rps": None if self.ceiling_rps is None else round(self.ceiling_rps, 1),
            "percent_of_ceiling": self.percent_of_ceiling,
            "percent_of_ceiling_each_round": self.round_percents,
            "server_cpu_s": round(self.server_cpu_s, 3),
            "server_cpu_percent": round(self.server_cpu_percent, 1),
            "server_cpu_ms_per_request": round(self.cpu_ms_per_request, 4),
            "machine_busy_before_percent": self.busy_before,
            "source": self.source,
        }


def _spread(percents: list[float]) -> str:
    if len(percents) < 2:
        return "-"
    return f"{min(percents):.0f}–{max(percents):.0f}%"


def table(rows: list[Row]) -> str:
    lines = [HEADERS, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADERS))]
    left = {0, 2}  # text columns; numbers align right

    def render(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join(
        [render(HEADERS), "  ".join("-" * w for w in widths)] + [render(line) for line in lines[1:]]
    )


def _git(*args: str) -> str:
    git = shutil.which("git")
    if not git:
        return ""
    result = subprocess.run(  # noqa: S603 (read-only git queries)
        [git, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return result.stdout.strip()


def environment(client: str) -> dict[str, Any]:
    versions = {}
    for package in ("strawberry-graphql", "tortoise-orm", "starlette", "uvicorn", "asyncpg"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_client": client,
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain")),
        "packages": versions,
    }


def write_json(
    rows: list[Row], directory: Path, started: datetime, settings: dict[str, Any]
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    record = {
        "benchmark": "family_tree",
        "started_at": started.isoformat(),
        **settings,
        "rows": [row.as_dict() for row in rows],
    }
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return path


def close_run(warnings: list[str], problems: list[str], abandoned_at_stop: int, errors: int) -> int:
    """Prints what a run leaves to read after the table; the exit status: 1 on any failed
    request or problem."""
    if abandoned_at_stop:
        print(
            f"note: the gateway logged {abandoned_at_stop} ClientDisconnect tracebacks "
            "for requests the load generator abandoned when it stopped (not counted as errors)"
        )
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr)
    if errors or problems:
        print(f"\n!!! {errors} failed requests, {len(problems)} problems:", file=sys.stderr)
        for line in problems:
            print(f"!!! {line}", file=sys.stderr)
        return 1
    return 0
