"""Where the family tree's time goes, in one process: the app called as plain ASGI (no
HTTP, no load generator), so what is measured is starlette + strawberry + graphql-core +
Kabinet + the database driver.

    .venv/bin/python -m bench.profile_tree --numbers 12 --database postgres --profile

prints microseconds of CPU per request (a quick, relative figure for trying an idea; the
real one is `bench.family_tree` under wrk) and, with --profile, the top functions.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import tempfile
import time
from pathlib import Path

from bench.databases import DEFAULT_POSTGRES_URL, fresh_database
from bench.in_process import call, tree_app
from bench.queries import FAMILY_TREE, TYPENAME, Query, check_answer

# Steps from the ceiling to the tree, each adding one kind of work, to see what costs what.
LADDER = (
    Query("signed_in", "{ __typename }", authenticated=True),  # + the token lookup
    Query("viewer", "{ viewer { kind } }", authenticated=True),  # + a resolver, no reach
    Query("reach", "{ viewer { numbers { msisdn } } }", authenticated=True),  # + the reach
)


async def _run(url: str, numbers: int, requests: int, profile: bool, workdir: Path) -> None:
    async with tree_app(url, numbers, workdir) as (app, family):
        for query in (TYPENAME, *LADDER, FAMILY_TREE):
            status, raw = await call(app, query, family.token)
            body = json.loads(raw)
            if query in LADDER:
                assert status == 200 and not body.get("errors"), body
            else:
                check_answer(query, status, body, numbers)
            for _ in range(50):  # warm caches
                await call(app, query, family.token)
            profiler = cProfile.Profile() if profile and query is FAMILY_TREE else None
            rounds = []  # the best of several rounds: other work on the machine only adds
            for _ in range(1 if profiler else 5):
                started = time.process_time()
                if profiler:
                    profiler.enable()
                for _ in range(requests):
                    await call(app, query, family.token)
                if profiler:
                    profiler.disable()
                rounds.append((time.process_time() - started) / requests * 1e6)
            print(f"{query.name:12} {min(rounds):8.0f} µs CPU/request (best of {len(rounds)})")
            if profiler:
                stats = pstats.Stats(profiler).strip_dirs().sort_stats("tottime")
                stats.print_stats(35)
                stats.sort_stats("cumulative").print_stats(45)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=12)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        with fresh_database(args.database, workdir, args.postgres_url) as url:
            asyncio.run(_run(url, args.numbers, args.requests, args.profile, workdir))


if __name__ == "__main__":
    main()
