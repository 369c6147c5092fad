"""What each of the tree's loader fields costs, in one process: the benchmark's family tree
without its four async fields (allowances, autopay, trustPayment, payments), then with each
one alone, then whole. CPU per request, best of several rounds, the app called as plain ASGI
(as bench.profile_tree does).

    .venv/bin/python -m bench.tree_fields --numbers 500 --database postgres

The difference between a row and `none` is that field's cost for the top account's
numbers (half the tree); divided by their count, its cost per number.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import tempfile
import time
from pathlib import Path

from bench.databases import DEFAULT_POSTGRES_URL, fresh_database
from bench.profile_tree import _call
from bench.queries import FAMILY_TREE_DOCUMENT, Query
from bench.seed import seed_family
from gateway.app import create_app
from gateway.config import Settings
from gateway.db import close_database, open_database
from gateway.services import close_services
from gateway.transport import tune_garbage_collector

FIELDS = {
    "allowances": " allowances { kind remaining }",
    "autopay": " autopay { kind amount { amount } cardLast4 }",
    "trustPayment": " trustPayment { offer { amount { amount } } unavailableReason"
    " current { status } }",
    "payments": " payments(first: 3) { nodes { id amount { amount } createdAt }"
    " pageInfo { hasNextPage endCursor } }",
}


def _without(document: str, *kept: str) -> str:
    for name, text in FIELDS.items():
        if name not in kept:
            assert text in document, name
            document = document.replace(text, "")
    return document


def documents() -> dict[str, str]:
    found = {"none": _without(FAMILY_TREE_DOCUMENT)}
    found.update((name, _without(FAMILY_TREE_DOCUMENT, name)) for name in FIELDS)
    found["all"] = FAMILY_TREE_DOCUMENT
    return found


async def _run(url: str, numbers: int, requests: int, rounds: int, workdir: Path) -> None:
    secret_key = secrets.token_urlsafe(32)
    await open_database(url)
    try:
        family = await seed_family(numbers, secret_key)
        settings = Settings(
            database_url=url,
            secret_key=secret_key,
            sms_outbox_path=workdir / "sms.jsonl",
            rate_limit_viewer="10000000/minute",
            rate_limit_ip="10000000/minute",
        )
        app = create_app(settings, manage_database=False)
        tune_garbage_collector()
        try:
            top_numbers = numbers - numbers // 2
            none = None
            for name, document in documents().items():
                query = Query(name, document, authenticated=True)
                status, raw = await _call(app, query, family.token)
                if status != 200 or b'"errors"' in raw:
                    raise SystemExit(f"{name}: HTTP {status} {raw[:300]!r}")
                for _ in range(5):
                    await _call(app, query, family.token)
                best = float("inf")
                for _ in range(rounds):
                    started = time.process_time()
                    for _ in range(requests):
                        await _call(app, query, family.token)
                    best = min(best, (time.process_time() - started) / requests * 1e6)
                if none is None:
                    none = best
                    print(f"{name:13} {best:9.0f} µs/request")
                else:
                    per_number = (best - none) / top_numbers
                    print(f"{name:13} {best:9.0f} µs/request  {per_number:+7.1f} µs per top number")
        finally:
            await close_services(app.state.services)
    finally:
        await close_database()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=500)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        with fresh_database(args.database, workdir, args.postgres_url) as url:
            asyncio.run(_run(url, args.numbers, args.requests, args.rounds, workdir))


if __name__ == "__main__":
    main()
