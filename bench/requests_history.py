"""What the request history adds to the family tree, in one process (as `bench.profile_tree`
measures: the app called as plain ASGI, CPU time per request, best of 5 rounds):

    .venv/bin/python -m bench.requests_history --numbers 12 --database postgres

seeds a tree of N numbers with 5 operation records each, then times the benchmark's family
tree, the same tree with `requests(first: 3)` added on the top account's numbers, and
`viewer.requests(first: 20)`.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.databases import DEFAULT_POSTGRES_URL, fresh_database
from bench.in_process import cpu_per_request, tree_app
from bench.queries import FAMILY_TREE, FAMILY_TREE_DOCUMENT, Query
from bench.seed import Family
from models import ActorRole, Number, Operation, OperationKind, OperationStatus

RECORDS = "requests(first: 3) { edges { cursor node { kind status summary actorRole } } }"
TREE_WITH_REQUESTS = Query(
    "tree+requests",
    FAMILY_TREE_DOCUMENT.replace(
        "allowances { kind remaining }", "allowances { kind remaining } " + RECORDS
    ),
    authenticated=True,
)
VIEWER_REQUESTS = Query(
    "viewer.requests",
    "{ viewer { requests(first: 20) { edges { node { kind summary number { msisdn } } } } } }",
    authenticated=True,
)


async def _records(owner_id: int) -> None:
    start = datetime.now(UTC) - timedelta(days=30)
    kinds = (OperationKind.TOPUP, OperationKind.GRANT, OperationKind.TRUST_PAYMENT)
    numbers = await Number.all().values_list("id", flat=True)
    await Operation.bulk_create(
        [
            Operation(
                number_id=number_id,
                kind=kinds[i % 3],
                status=OperationStatus.COMPLETED,
                details={"amount": 10_000, "fee": 500, "level": "FULL"},
                actor_role=ActorRole.OWNER,
                actor_subscriber_id=owner_id,
                created_at=start + timedelta(hours=i),
            )
            for number_id in numbers
            for i in range(5)
        ],
        batch_size=1000,
    )


async def _run(url: str, numbers: int, requests: int, workdir: Path) -> None:
    async def with_records(family: Family) -> None:
        await _records(family.owner_id)

    async with tree_app(url, numbers, workdir, prepare=with_records) as (app, family):
        for query in (FAMILY_TREE, TREE_WITH_REQUESTS, VIEWER_REQUESTS):
            best = await cpu_per_request(app, query, family.token, requests, warm=20)
            print(f"{query.name:16} {best:9.0f} µs CPU/request (best of 5)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=12)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        with fresh_database(args.database, workdir, args.postgres_url) as url:
            asyncio.run(_run(url, args.numbers, args.requests, workdir))


if __name__ == "__main__":
    main()
