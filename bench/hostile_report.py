"""bench.hostile's numbers: one row per probe phase and per hostile kind, the table, and
the JSON record (same place and naming as the other benchmarks' records)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

HEADERS = (
    "database", "phase", "kind", "expect", "requests", "req/s", "p50 ms", "p99 ms",
    "max ms", "answer B", "cost", "tokens", "doc B", "bad", "server CPU",
)  # fmt: skip
LEFT = {0, 1, 2, 3}  # text columns; numbers align right


@dataclass(frozen=True)
class Shape:
    """What the gateway's limits make of a document, and one answer to it (preflight)."""

    cost: int | None  # None: refused before parsing, so never analysed
    depth: int | None
    aliases: int | None
    tokens: int
    document_bytes: int
    answer_bytes: int
    preflight_ms: float  # one request, alone, cold (a new text)


@dataclass(frozen=True)
class HostileRow:
    database: str
    phase: str  # "baseline" (the probe alone) or "hostile"
    kind: str  # "probe" or a bench.hostile_documents kind
    expect: str  # "answered" or the limit that refuses it
    requests: int
    duration_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    bad: int  # wrong outcome, internal error, 5xx, other status, transport error
    answer_bytes: float  # mean body size of the answers
    server_cpu_percent: float | None  # the gateway's CPU over the phase, % of one core
    shape: Shape | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    def cells(self) -> tuple[str, ...]:
        shape = self.shape
        return (
            self.database,
            self.phase,
            self.kind,
            self.expect.removeprefix("GRAPHQL_"),
            f"{self.requests:,}",
            f"{self.rps:,.1f}",
            f"{self.p50_ms:.1f}",
            f"{self.p99_ms:.1f}",
            f"{self.max_ms:.1f}",
            f"{self.answer_bytes:,.0f}",
            "-" if shape is None or shape.cost is None else f"{shape.cost:,}",
            "-" if shape is None else f"{shape.tokens:,}",
            "-" if shape is None else f"{shape.document_bytes:,}",
            f"{self.bad}" + (" !!!" if self.bad else ""),
            "" if self.server_cpu_percent is None else f"{self.server_cpu_percent:.0f}%",
        )

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rps": round(self.rps, 2)}


def table(rows: list[HostileRow]) -> str:
    lines = [HEADERS, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADERS))]

    def render(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.ljust(w) if i in LEFT else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([render(HEADERS), rule] + [render(line) for line in lines[1:]])


def percentile(sorted_values: list[float], percent: float) -> float:
    """Nearest rank, as bench.httpx_client computes it."""
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, round(percent / 100 * len(sorted_values)) - 1))
    return sorted_values[rank]


def write_json(directory: Path, started: datetime, record: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{started.strftime('%Y%m%dT%H%M%SZ')}-hostile.json"
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return path
