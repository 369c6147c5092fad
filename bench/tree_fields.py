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
import tempfile
from pathlib import Path

from bench.databases import DEFAULT_POSTGRES_URL, fresh_database
from bench.in_process import cpu_per_request, tree_app
from bench.queries import FAMILY_TREE_DOCUMENT, Query

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
    async with tree_app(url, numbers, workdir) as (app, family):
        top_numbers = numbers - numbers // 2
        none = None
        for name, document in documents().items():
            query = Query(name, document, authenticated=True)
            best = await cpu_per_request(app, query, family.token, requests, rounds)
            if none is None:
                none = best
                print(f"{name:13} {best:9.0f} µs/request")
            else:
                per_number = (best - none) / top_numbers
                print(f"{name:13} {best:9.0f} µs/request  {per_number:+7.1f} µs per top number")


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
