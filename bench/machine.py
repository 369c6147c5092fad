"""CPU accounting from /proc (Linux): the server's own CPU time, and how busy the machine is
with other work before a run (a benchmark on a shared 2-core box is easily disturbed)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def _own_cpu_seconds(pid: int) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    children: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            children += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return children


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process and its living descendants have used so far;
    0.0 where /proc is missing. `kabinet serve` is a supervisor whose worker process does
    the work: counting the supervisor alone reads 0."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        total += _own_cpu_seconds(current)
        pending += _children(current)
    return total


def _busy_and_total() -> tuple[int, int]:
    first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(value) for value in first]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    total = sum(ticks[:8])  # guest time is already counted in user
    return total - idle, total


def machine_busy_percent(sample_seconds: float = 1.0) -> float | None:
    """Share of all CPUs busy over the sample (100 = every core busy); None without /proc."""
    try:
        busy0, total0 = _busy_and_total()
        time.sleep(sample_seconds)
        busy1, total1 = _busy_and_total()
    except OSError:
        return None
    return 100 * (busy1 - busy0) / (total1 - total0) if total1 > total0 else None
