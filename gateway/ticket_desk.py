"""`kabinet ticket ...`: the support desk on the command line. The rules are the API's
(resolvers/support/); this module only reads arguments and prints."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from gateway.config import Settings
from models import TicketStatus
from resolvers.errors import BadUserInput, ClientError
from resolvers.support import desk
from resolvers.support.store import Row

STATUSES = [status.value for status in TicketStatus]


def add_commands(commands: Any) -> None:
    """`kabinet ticket list|show|reply|resolve`, under the main parser's sub-commands."""
    ticket = commands.add_parser("ticket", help="the support desk: answer subscribers' tickets")
    ticket_commands = ticket.add_subparsers(dest="ticket_command", required=True)
    listing = ticket_commands.add_parser(
        "list", help="tickets not closed, the operator's turn first (or --status S)"
    )
    listing.add_argument("--status", choices=STATUSES, help="only tickets in this status")
    listing.set_defaults(handler=ticket_list)
    show = ticket_commands.add_parser("show", help="a ticket: its messages and history")
    show.add_argument("id")
    show.set_defaults(handler=ticket_show)
    for name, helps, handler in (
        ("reply", "answer a ticket (PENDING_CUSTOMER); TEXT or stdin", ticket_reply),
        (
            "resolve",
            "resolve a ticket (RESOLVED), with a last word if TEXT is given",
            ticket_resolve,
        ),
    ):
        command = ticket_commands.add_parser(name, help=helps)
        command.add_argument("id")
        command.add_argument("text", nargs="?", help="the message; '-' reads it from stdin")
        command.add_argument(
            "--operator", help="who answers (default $KABINET_OPERATOR, else the login name)"
        )
        command.set_defaults(handler=handler)


def _desk(settings: Settings, work: Callable[[], Awaitable[int]]) -> int:
    import asyncio

    from gateway.db import close_database, open_database

    async def run() -> int:
        await open_database(settings.database_url)
        try:
            return await work()
        except ClientError as exc:
            print(f"kabinet: {exc.message}", file=sys.stderr)
            return 2 if isinstance(exc, BadUserInput) else 1
        finally:
            await close_database()

    return asyncio.run(run())


def _ticket_id(raw: str) -> int | None:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        print(f"kabinet: {raw!r} is not a ticket number", file=sys.stderr)
        return None
    return int(raw)


def _at(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


def _line(row: Row) -> str:
    return "\t".join(
        (
            str(row["id"]),
            str(row["status"]),
            str(row["topic"]),
            row["msisdn"],
            row["phone"],
            _at(row["updated_at"]),
        )
    )


def ticket_list(settings: Settings, args: argparse.Namespace) -> int:
    async def listing() -> int:
        rows = await desk.queue(TicketStatus(args.status) if args.status else None)
        for row in rows:
            print(_line(row))
        print(f"kabinet: {len(rows)} tickets", file=sys.stderr)
        return 0

    return _desk(settings, listing)


def ticket_show(settings: Settings, args: argparse.Namespace) -> int:
    ticket_id = _ticket_id(args.id)
    if ticket_id is None:
        return 2

    async def show() -> int:
        found = await desk.ticket_file(ticket_id)
        ticket = found.ticket
        print(f"ticket {ticket['id']}: {ticket['status']}, {ticket['topic']}")
        print(f"number {ticket['msisdn']}, for {ticket['name'] or '-'} ({ticket['phone']})")
        print(f"opened {_at(ticket['created_at'])}, last move {_at(ticket['updated_at'])}")
        for message in found.messages:
            who = message["operator"] or message["author_phone"] or "partner app"
            print(f"\n[{_at(message['created_at'])}] {message['side']} {who}:")
            print(message["text"])
        print("\nhistory:")
        for event in found.events:
            before = event["from_status"] or "-"
            who = event["operator"] or event["side"]
            print(f"  {_at(event['created_at'])}  {before} -> {event['to_status']}  by {who}")
        return 0

    return _desk(settings, show)


def _text(args: argparse.Namespace) -> str | None:
    if args.text == "-":
        return sys.stdin.read()
    return args.text


def _operator(args: argparse.Namespace) -> str:
    return args.operator or os.environ.get("KABINET_OPERATOR") or getpass.getuser()


def ticket_reply(settings: Settings, args: argparse.Namespace) -> int:
    ticket_id = _ticket_id(args.id)
    if ticket_id is None:
        return 2
    text = _text(args) if args.text is not None else sys.stdin.read()
    return _move(settings, lambda now: desk.reply(ticket_id, text, _operator(args), now))


def ticket_resolve(settings: Settings, args: argparse.Namespace) -> int:
    ticket_id = _ticket_id(args.id)
    if ticket_id is None:
        return 2
    text = _text(args)
    return _move(settings, lambda now: desk.resolve(ticket_id, text, _operator(args), now))


def _move(settings: Settings, work: Callable[[datetime], Awaitable[Row]]) -> int:
    async def run() -> int:
        row = await work(datetime.now(UTC))
        print(
            f"kabinet: ticket {row['id']} is {row['status']}; the subscriber's notice waits "
            "in the outbox for the worker"
        )
        return 0

    return _desk(settings, run)
