"""A fallback load generator for when wrk is not installed: asyncio + httpx, `concurrency`
workers each sending the next request as soon as the last one answered (like wrk).

Run in its own process by bench.load; reads the body and token from BENCH_BODY and
BENCH_TOKEN and prints one line, BENCH_JSON {...}, with the same keys as the wrk script.
It needs far more CPU per request than wrk: on a small machine it steals from the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time

import httpx


def _percentile(sorted_values: list[float], percent: float) -> float:
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, round(percent / 100 * len(sorted_values)) - 1))
    return sorted_values[rank]


async def _drive(url: str, seconds: float, concurrency: int) -> dict[str, float]:
    body = os.environ["BENCH_BODY"].encode()
    headers = {"Content-Type": "application/json"}
    if token := os.environ.get("BENCH_TOKEN", ""):
        headers["Authorization"] = f"Bearer {token}"
    latencies: list[float] = []
    counts = {"bad_status": 0, "graphql_errors": 0, "transport_errors": 0}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:
        started = time.perf_counter()
        deadline = started + seconds

        async def worker() -> None:
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                try:
                    response = await http.post(url, content=body, headers=headers)
                except httpx.TransportError:
                    counts["transport_errors"] += 1
                    continue
                latencies.append(time.perf_counter() - sent)
                if response.status_code != 200:
                    counts["bad_status"] += 1
                elif b'"errors"' in response.content:
                    counts["graphql_errors"] += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        duration = time.perf_counter() - started
    latencies.sort()
    mean = sum(latencies) / len(latencies) if latencies else 0.0
    return {
        "requests": len(latencies),
        "duration_s": duration,
        "p50_ms": _percentile(latencies, 50) * 1e3,
        "p99_ms": _percentile(latencies, 99) * 1e3,
        "mean_ms": mean * 1e3,
        "max_ms": (latencies[-1] if latencies else 0.0) * 1e3,
        **counts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(_drive(args.url, args.seconds, args.concurrency))
    else:
        result = uvloop.run(_drive(args.url, args.seconds, args.concurrency))
    print("BENCH_JSON " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
