"""Support tickets on a family tree: what `supportTickets { messages history }` on every
number adds to the tree's cost, in SQL statements and in requests per second.

    .venv/bin/python -m bench.support_tickets --sizes 12,500 --databases sqlite,postgres

Each database and size gets a fresh migrated database (bench/databases.py), the family of
bench/seed.py, and on every number one ticket with two messages (the subscriber's, the
operator's) and two status changes. Then, in a child process (tortoise caches SQL per model
per process), the app in-process behind httpx's ASGI transport: one warm-up, the statements
of one request counted, then requests one after another for `--seconds` per query. The
in-process figures leave out HTTP and uvicorn: they compare the two queries, not the stack.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.databases import DEFAULT_POSTGRES_URL, ROOT, fresh_database, gateway_env

WITHOUT = "{ viewer { numbers { msisdn accessLevel } } }"
WITH = (
    "{ viewer { numbers { msisdn accessLevel supportTickets { status"
    " messages { side text } history { toStatus } } } } }"
)


async def _seed_tickets(owner_id: int) -> None:
    from models import (
        Number,
        SupportTicket,
        TicketEvent,
        TicketMessage,
        TicketSide,
        TicketStatus,
        TicketTopic,
    )

    now = datetime.now(UTC)
    numbers = await Number.all().values_list("id", flat=True)
    await SupportTicket.bulk_create(
        [
            SupportTicket(
                number_id=n,
                subscriber_id=owner_id,
                topic=TicketTopic.OTHER,
                status=TicketStatus.PENDING_CUSTOMER,
                created_at=now,
                updated_at=now,
            )
            for n in numbers
        ]
    )
    tickets = await SupportTicket.all().values_list("id", flat=True)
    subscriber, operator = TicketSide.SUBSCRIBER, TicketSide.OPERATOR
    await TicketMessage.bulk_create(
        [
            TicketMessage(ticket_id=t, side=side, text=text, created_at=now)
            for t in tickets
            for side, text in ((subscriber, "Нет интернета с утра."), (operator, "Проверяем."))
        ]
    )
    await TicketEvent.bulk_create(
        [
            TicketEvent(ticket_id=t, from_status=before, to_status=after, side=side, created_at=now)
            for t in tickets
            for before, after, side in (
                (None, TicketStatus.ACKNOWLEDGED, subscriber),
                (TicketStatus.ACKNOWLEDGED, TicketStatus.PENDING_CUSTOMER, operator),
            )
        ]
    )


async def _ask(client: Any, document: str, headers: dict[str, str], size: int) -> None:
    body = (await client.post("/graphql", json={"query": document}, headers=headers)).json()
    if body.get("errors") or len(body["data"]["viewer"]["numbers"]) != size:
        raise SystemExit(f"wrong answer: {str(body)[:300]}")


async def _measure(url: str, size: int, seconds: float) -> dict[str, dict[str, float]]:
    import httpx

    from bench.seed import seed_family
    from gateway.app import create_app
    from gateway.config import Settings
    from gateway.db import close_database, open_database
    from gateway.services import close_services
    from tests.support.queries import count_queries

    secret_key = secrets.token_hex(32)
    await open_database(url)
    logging.getLogger("tortoise").setLevel(logging.WARNING)
    try:
        family = await seed_family(size, secret_key)
        await _seed_tickets(family.owner_id)
        app = create_app(
            Settings(
                database_url=url,
                secret_key=secret_key,
                rate_limit_viewer="1000000/second",
                rate_limit_ip="1000000/second",
            ),
            manage_database=False,
        )
        headers = {"Authorization": f"Bearer {family.token}"}
        found: dict[str, dict[str, float]] = {}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for name, document in (("without tickets", WITHOUT), ("with tickets", WITH)):
                await _ask(client, document, headers, size)
                with count_queries() as sql:
                    await _ask(client, document, headers, size)
                done, started = 0, time.perf_counter()
                while time.perf_counter() - started < seconds:
                    await _ask(client, document, headers, size)
                    done += 1
                elapsed = time.perf_counter() - started
                found[name] = {"statements": sql.count, "rps": done / elapsed}
        await close_services(app.state.services)
        return found
    finally:
        await close_database()


def _child(database: str, size: int, seconds: float, postgres_url: str) -> dict:
    with (
        tempfile.TemporaryDirectory() as workdir,
        fresh_database(database, Path(workdir), postgres_url) as url,
    ):
        command = [sys.executable, "-m", "bench.support_tickets", "--child", url]
        result = subprocess.run(  # noqa: S603 (our own module, our own arguments)
            [*command, str(size), str(seconds)],
            env=gateway_env({}),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    if result.returncode != 0:
        raise SystemExit(f"{database} {size}: {result.stderr.strip()[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        url, size, seconds = argv[1], int(argv[2]), float(argv[3])
        print(json.dumps(asyncio.run(_measure(url, size, seconds))))
        return
    parser = argparse.ArgumentParser(prog="bench.support_tickets")
    parser.add_argument("--sizes", default="12,500")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    args = parser.parse_args(argv)
    print(f"{'database':9} {'N':>4}  {'query':16} {'SQL/req':>7} {'requests/s':>10}")
    for database in args.databases.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            found = _child(database, size, args.seconds, args.postgres_url)
            for name, figures in found.items():
                print(
                    f"{database:9} {size:>4}  {name:16} {figures['statements']:>7.0f}"
                    f" {figures['rps']:>10,.0f}"
                )
    print("command: .venv/bin/python -m bench.support_tickets " + " ".join(argv))


if __name__ == "__main__":
    main(sys.argv[1:])
