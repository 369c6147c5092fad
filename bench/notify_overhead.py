"""What notifications cost the money path, and how fast the outbox drains.

`python -m bench.notify_overhead [--records N] [--databases sqlite,postgres]`: imports N
usage charges on one number (each its own transaction, as `kabinet usage import` does)
with CHARGES by SMS for its user and owner (two outbox rows a charge), N with the default
preferences (no message, the thresholds still checked), and N with the hook off (a no-op
in its place), and reports the records per second of each; then delivers the outbox's
SMS to the file backend and reports messages per second. One process, no HTTP: what is
measured is the hook's statements."""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

from bench.databases import DATABASES, DEFAULT_POSTGRES_URL, fresh_database
from gateway.db import close_database, open_database


def _records(prefix: str, msisdn: str, n: int) -> list[dict[str, str]]:
    return [
        {
            "id": f"{prefix}{i}",
            "msisdn": msisdn,
            "type": "sms",
            "cost": "0.01",
            "start": "2026-11-20T10:00:00Z",
        }
        for i in range(n)
    ]


async def _run(url: str, n: int, outbox: Path) -> dict[str, float]:
    from gateway.sms import FileSmsSender
    from models import Account, Balance, NotificationPreference, Number, Subscriber, Tariff
    from resolvers.money import charges
    from resolvers.notifications.delivery import deliver_due
    from resolvers.services import Services

    await open_database(url)
    try:
        owner = await Subscriber.create(phone="+79990000001", full_name="Анна")
        user = await Subscriber.create(phone="+79990000002", full_name="Маша")
        for person in (owner, user):  # every charge makes an SMS for both: the worst case
            await NotificationPreference.create(
                subscriber=person, topic="CHARGES", sms=True, email=False
            )
        tariff = await Tariff.create(code="b", name="B", monthly_fee=0, minutes=0, sms=0, data_mb=0)
        number = await Number.create(
            msisdn="+79990000003",
            account=await Account.create(name="A", owner=owner),
            user=user,
            tariff=tariff,
            activated_at=datetime.now(UTC) - timedelta(days=9),
        )
        await Balance.create(number=number, amount=10**9, currency="RUB")
        now = datetime.now(UTC)
        started = time.perf_counter()
        await charges.ingest(_records("on-", number.msisdn, n), now)
        with_hook = n / (time.perf_counter() - started)

        async def no_op(_entry: object) -> None:
            return None

        await NotificationPreference.all().delete()  # the defaults: no message for charges
        started = time.perf_counter()
        await charges.ingest(_records("default-", number.msisdn, n), now)
        defaults = n / (time.perf_counter() - started)
        with mock.patch.object(charges, "balance_moved", no_op):
            started = time.perf_counter()
            await charges.ingest(_records("off-", number.msisdn, n), now)
            without_hook = n / (time.perf_counter() - started)
        services = Services(secret_key="x" * 32, counters=None, sms=FileSmsSender(outbox))  # type: ignore[arg-type]
        started = time.perf_counter()
        sent = 0
        while outcome := await deliver_due(services, datetime.now(UTC)):
            sent += outcome["SENT"]
        delivered = sent / (time.perf_counter() - started)
    finally:
        await close_database()
    return {
        "with": with_hook,
        "defaults": defaults,
        "without": without_hook,
        "delivered": delivered,
        "sent": sent,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--databases", default=",".join(DATABASES))
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    args = parser.parse_args()
    kinds = args.databases.split(",")
    if len(kinds) > 1:
        # One database per process: tortoise keeps per-model SQL built for the first one.
        for kind in kinds:
            subprocess.run(  # noqa: S603 (this very module, our own arguments)
                [
                    sys.executable,
                    "-m",
                    "bench.notify_overhead",
                    "--records",
                    str(args.records),
                    "--databases",
                    kind,
                    "--postgres-url",
                    args.postgres_url,
                ],
                check=True,
            )
        return
    with tempfile.TemporaryDirectory() as workdir:
        for kind in kinds:
            with fresh_database(kind, Path(workdir), args.postgres_url) as url:
                got = asyncio.run(_run(url, args.records, Path(workdir) / f"{kind}.jsonl"))
            print(
                f"{kind:9} usage import: {got['with']:7.0f} records/s with notifications "
                f"(2 SMS each), {got['defaults']:7.0f} with the defaults (none for charges), "
                f"{got['without']:7.0f} without the hook; "
                f"outbox: {got['sent']:.0f} SMS delivered at {got['delivered']:.0f}/s"
            )


if __name__ == "__main__":
    main()
