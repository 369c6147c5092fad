"""`kabinet` command line: serve, migrate, seed, sms, mail, notifications, ticket, schema,
makemigrations and more."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

from gateway import ticket_desk
from gateway.config import ConfigError, Settings, load_settings
from gateway.db import DatabaseUnavailable


def main(argv: list[str] | None = None) -> None:
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        code = args.handler(settings, args)
    except (ConfigError, DatabaseUnavailable) as exc:
        print(f"kabinet: {exc}", file=sys.stderr)
        code = 2
    sys.exit(code)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kabinet", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the GraphQL gateway")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    serve.add_argument("--host", help="bind address (default $HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default $PORT or 8000)")
    serve.add_argument(
        "--with-worker",
        action="store_true",
        help="run the background worker in the gateway process (with --workers 1; "
        "same as KABINET_INPROCESS_WORKER=1)",
    )
    serve.set_defaults(handler=_serve)

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(handler=_migrate)

    seed = commands.add_parser("seed", help="load data into an empty database")
    seed.add_argument("--demo", action="store_true", required=True, help="the demo family")
    seed.add_argument(
        "--reset", action="store_true", help="empty every table first (dev only; not in prod)"
    )
    seed.add_argument(
        "--usage-records",
        type=int,
        metavar="N",
        help="also give the demo owner's number +79990000010 exactly N usage records over "
        "the last year (for benchmarks)",
    )
    seed.set_defaults(handler=_seed)

    sms = commands.add_parser("sms", help="the file SMS backend's outbox (dev and demo)")
    sms_commands = sms.add_subparsers(dest="sms_command", required=True)
    sms_last = sms_commands.add_parser("last", help="print the newest message to PHONE")
    sms_last.add_argument("phone")
    sms_last.set_defaults(handler=_sms_last)

    mail = commands.add_parser("mail", help="the file e-mail backend's folder (dev and demo)")
    mail_commands = mail.add_subparsers(dest="mail_command", required=True)
    mail_last = mail_commands.add_parser("last", help="print the newest e-mail to ADDRESS")
    mail_last.add_argument("address")
    mail_last.set_defaults(handler=_mail_last)

    notifications = commands.add_parser("notifications", help="the notification outbox")
    notification_commands = notifications.add_subparsers(
        dest="notifications_command", required=True
    )
    failed = notification_commands.add_parser(
        "failed", help="list messages given up on after their last attempt, newest first"
    )
    failed.add_argument("--limit", type=int, default=50)
    failed.set_defaults(handler=_notifications_failed)
    retry = notification_commands.add_parser(
        "retry", help="deliver FAILED messages again (by id), e.g. after fixing the SMTP settings"
    )
    retry.add_argument("ids", type=int, nargs="+")
    retry.set_defaults(handler=_notifications_retry)

    partner = commands.add_parser("partner", help="register and manage partner apps")
    partner_commands = partner.add_subparsers(dest="partner_command", required=True)
    create = partner_commands.add_parser("create", help="register an app; prints its secret once")
    create.add_argument("name")
    create.add_argument(
        "--scopes", required=True, help="comma- or space-separated, e.g. numbers:read,topup"
    )
    create.set_defaults(handler=_partner_create)
    listing = partner_commands.add_parser("list", help="list partner apps")
    listing.set_defaults(handler=_partner_list)
    disable = partner_commands.add_parser("disable", help="disable an app and its tokens")
    disable.add_argument("client_id")
    disable.set_defaults(handler=_partner_disable)

    ledger = commands.add_parser("ledger", help="money checks")
    ledger_commands = ledger.add_subparsers(dest="ledger_command", required=True)
    verify = ledger_commands.add_parser(
        "verify", help="prove every balance equals the sum of its ledger entries"
    )
    verify.set_defaults(handler=_ledger_verify)

    usage = commands.add_parser("usage", help="rated usage from the network")
    usage_commands = usage.add_subparsers(dest="usage_command", required=True)
    usage_import = usage_commands.add_parser(
        "import", help="import rated records from a CSV file (a retried file changes nothing)"
    )
    usage_import.add_argument(
        "file",
        help="CSV with id,msisdn,type,start,duration,bytes,... (a home contract's rows: "
        "contract_number instead of msisdn, type DATA or TV)",
    )
    usage_import.set_defaults(handler=_usage_import)

    fees = commands.add_parser("fees", help="monthly tariff and service fees")
    fees_commands = fees.add_subparsers(dest="fees_command", required=True)
    fees_charge = fees_commands.add_parser(
        "charge", help="charge a month's fees (running it again charges nothing twice)"
    )
    fees_charge.add_argument("--month", help="YYYY-MM (default: the current month, UTC)")
    fees_charge.set_defaults(handler=_fees_charge)

    documents = commands.add_parser(
        "documents", help="print the trusted-documents manifest made from documents/*.graphql"
    )
    documents.set_defaults(handler=_documents)

    worker = commands.add_parser(
        "worker", help="run background jobs (autopay, tariff switches, exports, monthly e-mail)"
    )
    worker.add_argument("--interval", type=float, default=60.0, help="seconds between passes")
    worker.add_argument("--once", action="store_true", help="one pass, then exit")
    worker.add_argument(
        "--metrics-port", type=int, help="serve the worker's metrics on 127.0.0.1:PORT/metrics"
    )
    worker.set_defaults(handler=_worker)

    ticket_desk.add_commands(commands)

    schema = commands.add_parser("schema", help="print the GraphQL schema (SDL)")
    schema.set_defaults(handler=_print_schema)

    makemigrations = commands.add_parser(
        "makemigrations", help="write a migration for model changes (development)"
    )
    makemigrations.add_argument("--name", help="migration name")
    makemigrations.set_defaults(handler=_makemigrations)
    return parser


def _run(coro_factory: Callable[[], Awaitable[int]]) -> int:
    return asyncio.run(coro_factory())  # type: ignore[arg-type]


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from gateway.db import check_database, close_database, open_database
    from gateway.transport import serve
    from gateway.worker import worker_in_process

    async def preflight() -> int:
        # Fail here, with one line, rather than inside a worker with a traceback.
        await open_database(settings.database_url)
        try:
            await check_database(settings.database_url)
        finally:
            await close_database()
        return 0

    _run(preflight)
    asked = args.with_worker or settings.inprocess_worker
    in_process = worker_in_process(asked, args.workers)
    if asked and not in_process:
        print(
            "kabinet: the in-process worker runs only with --workers 1; "
            "run `kabinet worker` beside these gateway processes",
            file=sys.stderr,
        )
    # The worker processes read their settings from the environment (uvicorn's factory).
    os.environ["KABINET_INPROCESS_WORKER"] = "1" if in_process else "0"
    settings = replace(settings, inprocess_worker=in_process)
    return serve(
        settings,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
    )


def _documents(_settings: Settings, _args: argparse.Namespace) -> int:
    import json

    from gateway.trusted_documents import build_manifest

    print(json.dumps(build_manifest(), ensure_ascii=False, indent=2))
    return 0


def _migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from gateway.db import apply_migrations

    _run(lambda: _then_zero(apply_migrations(settings.database_url)))
    print("kabinet: migrations applied")
    return 0


def _seed(settings: Settings, args: argparse.Namespace) -> int:
    from gateway.db import close_database, empty_tables, open_database
    from resolvers.demo import seed_demo
    from resolvers.demo.busy import MAX_RECORDS, DemoNotLoaded, seed_busy_number

    if args.reset and settings.is_prod:
        print(
            "kabinet: --reset empties every table; refused with KABINET_ENV=prod", file=sys.stderr
        )
        return 2

    if args.usage_records is not None and not 0 <= args.usage_records <= MAX_RECORDS:
        print(f"kabinet: --usage-records is from 0 to {MAX_RECORDS:,}", file=sys.stderr)
        return 2

    async def seed() -> int:
        await open_database(settings.database_url)
        try:
            if args.reset:
                await empty_tables()
                print("kabinet: every table emptied")
            loaded = await seed_demo()
            print(
                "kabinet: demo data loaded"
                if loaded
                else "kabinet: database not empty, seed skipped"
            )
            if args.usage_records is not None:
                started = time.monotonic()
                try:
                    number = await seed_busy_number(args.usage_records)
                except DemoNotLoaded as exc:
                    print(f"kabinet: {exc}", file=sys.stderr)
                    return 2
                print(
                    f"kabinet: {number.msisdn} has {args.usage_records:,} usage records "
                    f"({time.monotonic() - started:.1f} s)"
                )
        finally:
            await close_database()
        return 0

    return _run(seed)


def _sms_last(settings: Settings, args: argparse.Namespace) -> int:
    from gateway.sms_outbox import last_message_to
    from resolvers.errors import ClientError
    from resolvers.identity.phones import normalise_phone

    try:
        phone = normalise_phone(args.phone)
    except ClientError as exc:
        print(f"kabinet: {exc.message}", file=sys.stderr)
        return 2
    message = last_message_to(settings.sms_outbox_path, phone)
    if message is None:
        print(f"kabinet: no message to {phone} in {settings.sms_outbox_path}", file=sys.stderr)
        return 1
    print(f"{message.get('at', '')}  {message['to']}  {message.get('text', '')}")
    return 0


def _mail_last(settings: Settings, args: argparse.Namespace) -> int:
    from gateway.mail_outbox import last_letter_to, text_of

    folder = settings.email_outbox_dir
    letter = last_letter_to(folder, args.address)
    if letter is None:
        print(f"kabinet: no e-mail to {args.address} in {folder}", file=sys.stderr)
        return 1
    for header in ("Date", "From", "To", "Subject"):
        print(f"{header}: {letter[header]}")
    print()
    print(text_of(letter))
    return 0


def _notifications_failed(settings: Settings, args: argparse.Namespace) -> int:
    from resolvers.notifications.delivery import failed_notifications

    async def listing() -> int:
        rows = await failed_notifications(max(1, args.limit))
        for row in rows:
            print(
                f"{row['id']}  {row['finished_at']:%Y-%m-%d %H:%M}  {row['topic']}  "
                f"{row['channel']}  {row['address']}  {row['attempts']} attempts  "
                f"{row['last_error']}"
            )
        if not rows:
            print("kabinet: no failed notifications", file=sys.stderr)
        return 0

    return _run(lambda: _with_database(settings, listing))


def _notifications_retry(settings: Settings, args: argparse.Namespace) -> int:
    from resolvers.notifications.delivery import retry_failed

    async def retry() -> int:
        requeued = await retry_failed(args.ids)
        print(f"kabinet: {requeued} notification(s) queued again")
        return 0 if requeued == len(set(args.ids)) else 1

    return _run(lambda: _with_database(settings, retry))


async def _with_database(settings: Settings, work: Callable[[], Awaitable[int]]) -> int:
    from gateway.db import close_database, open_database

    await open_database(settings.database_url)
    try:
        return await work()
    finally:
        await close_database()


def _partner_create(settings: Settings, args: argparse.Namespace) -> int:
    from resolvers.identity.partners import UnknownScope, parse_scopes, register_partner_app

    try:
        scopes = parse_scopes(args.scopes)
    except UnknownScope as exc:
        print(f"kabinet: {exc}", file=sys.stderr)
        return 2

    async def create() -> int:
        app, secret = await register_partner_app(args.name, scopes)
        print(f"client_id:     {app.client_id}")
        print(f"client_secret: {secret}")
        print(f"scopes:        {' '.join(app.allowed_scopes)}")
        print("The secret is shown only now; store it safely.", file=sys.stderr)
        return 0

    return _run(lambda: _with_database(settings, create))


def _partner_list(settings: Settings, _args: argparse.Namespace) -> int:
    from models import PartnerApp

    async def listing() -> int:
        for app in await PartnerApp.all().order_by("id"):
            state = "active" if app.is_active else "disabled"
            print(f"{app.client_id}\t{state}\t{' '.join(app.allowed_scopes)}\t{app.name}")
        return 0

    return _run(lambda: _with_database(settings, listing))


def _partner_disable(settings: Settings, args: argparse.Namespace) -> int:
    from resolvers.identity.partners import disable_partner_app

    async def disable() -> int:
        if not await disable_partner_app(args.client_id):
            print(f"kabinet: no partner app {args.client_id!r}", file=sys.stderr)
            return 1
        print(f"kabinet: {args.client_id} disabled; its tokens no longer work")
        return 0

    return _run(lambda: _with_database(settings, disable))


def _ledger_verify(settings: Settings, _args: argparse.Namespace) -> int:
    from resolvers.money.ledger import verify

    async def check() -> int:
        checked, wrong = await verify()
        for item in wrong:
            print(
                f"MISMATCH {item.line}: balance {item.balance} != ledger sum {item.ledger_sum}",
                file=sys.stderr,
            )
        print(f"kabinet: {checked} balances checked, {len(wrong)} mismatched")
        return 1 if wrong else 0

    return _run(lambda: _with_database(settings, check))


def _usage_import(settings: Settings, args: argparse.Namespace) -> int:
    import csv
    from pathlib import Path

    from gateway.services import build_services, close_services
    from resolvers.money.announced import ingest_announced

    path = Path(args.file)
    if not path.is_file():
        print(f"kabinet: no such file {path}", file=sys.stderr)
        return 2

    # Read before the event loop starts: the CLI has nothing else to do meanwhile.
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    async def run() -> int:
        # The services' event bus announces each charged number to the gateways.
        services = build_services(settings)
        try:
            result = await ingest_announced(services, rows)
        finally:
            await close_services(services)
        for rejected in result.rejected:
            print(f"row {rejected['index'] + 2}: {rejected['reason']}", file=sys.stderr)
        print(
            f"kabinet: {result.accepted} records imported, {result.duplicates} seen before, "
            f"{len(result.rejected)} rejected"
        )
        return 1 if result.rejected else 0

    return _run(lambda: _with_database(settings, run))


def _fees_charge(settings: Settings, args: argparse.Namespace) -> int:
    from gateway.services import build_services, close_services
    from resolvers.money.announced import charge_month_announced
    from resolvers.money.fees import current_month

    async def run() -> int:
        services = build_services(settings)
        try:
            month = args.month or current_month(services.clock())
            result = await charge_month_announced(services, month)
        except ValueError as exc:
            print(f"kabinet: {exc}", file=sys.stderr)
            return 2
        finally:
            await close_services(services)
        print(
            f"kabinet: fees for {result.month}: {result.numbers} numbers, "
            f"{result.fees_posted} fees charged, {result.already_charged} already charged"
        )
        return 0

    return _run(lambda: _with_database(settings, run))


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    from gateway.worker import run_worker

    return _run(lambda: run_worker(settings, args.interval, args.once, args.metrics_port))


def _print_schema(_settings: Settings, _args: argparse.Namespace) -> int:
    from schema import schema

    print(schema.as_str())
    return 0


def _makemigrations(_settings: Settings, args: argparse.Namespace) -> int:
    import json
    import tempfile

    from tortoise.cli.cli import run_cli_async

    from gateway.db import tortoise_config

    # Migrations are computed from the models and the existing migration files alone, so an
    # in-memory database is enough; the same files then serve SQLite and PostgreSQL.
    with tempfile.NamedTemporaryFile("w", suffix=".json") as config_file:
        json.dump(tortoise_config("sqlite://:memory:"), config_file)
        config_file.flush()
        argv = ["--config-file", config_file.name, "makemigrations"]
        argv += ["--name", args.name] if args.name else []
        return _run(lambda: run_cli_async(argv))


async def _then_zero(awaitable: Awaitable[object]) -> int:
    await awaitable
    return 0
