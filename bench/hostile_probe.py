"""The probe of bench.hostile: `{ __typename }` at a steady rate, each request sent on
schedule whether or not the last one was answered (open loop: a stalled worker shows as
latency, not as fewer samples), its latency recorded.

Run in its own process by bench.hostile, so its timing is not disturbed by the benchmark's
own work; prints one line, BENCH_JSON {...}: latencies and failures.

    .venv/bin/python -m bench.hostile_probe http://127.0.0.1:8000/graphql --rate 20 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import httpx

BODY = json.dumps({"query": "{ __typename }"}).encode()
EXPECTED = {"data": {"__typename": "Query"}}


async def _probe(url: str, rate: float, seconds: float) -> dict[str, object]:
    latencies: list[float] = []
    failures: list[str] = []
    late: list[float] = []  # how far behind schedule the probe itself was (its own lag)
    headers = {"Content-Type": "application/json"}
    # A few connections: while one waits on a stalled worker, the next tick still goes out.
    # Idle ones are dropped after 1 s: the worker closes a keep-alive connection idle for
    # 5 s (KEEPALIVE_TIMEOUT), and reusing one just as it does fails with a ReadError.
    limits = httpx.Limits(max_connections=16, max_keepalive_connections=16, keepalive_expiry=1.0)
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:

        async def one(due: float) -> None:
            sent = time.perf_counter()
            late.append(sent - due)
            try:
                response = await http.post(url, content=BODY, headers=headers)
            except httpx.TransportError as exc:
                failures.append(f"transport: {exc!r}")
                return
            latencies.append(time.perf_counter() - sent)
            if response.status_code != 200 or response.json() != EXPECTED:
                failures.append(f"HTTP {response.status_code}: {response.text[:200]}")

        started = time.perf_counter()
        tasks = []
        for i in range(int(rate * seconds)):
            due = started + i / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            tasks.append(asyncio.create_task(one(due)))
        await asyncio.gather(*tasks)
        duration = time.perf_counter() - started
    latencies.sort()
    return {
        "sent": len(tasks),
        "duration_s": duration,
        "latencies_ms": [round(value * 1e3, 3) for value in latencies],
        "failures": failures,
        "max_late_ms": round(max(late, default=0.0) * 1e3, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--rate", type=float, default=20, help="requests per second")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(_probe(args.url, args.rate, args.seconds))
    else:
        result = uvloop.run(_probe(args.url, args.rate, args.seconds))
    print("BENCH_JSON " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
