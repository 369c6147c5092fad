"""The audit after the top-up runs, in a child process: the payer's payments, answered ids,
TOPUP ledger entries and balance read back from the database, checked against what wrk was
answered, and `kabinet ledger verify`."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from dataclasses import dataclass, field

from bench.databases import ROOT, gateway_env
from bench.family_tree import Findings
from bench.top_up_payer import Payer, TopUpLoad, in_child
from gateway.db import close_database, open_database


@dataclass(frozen=True)
class Audit:
    """What the database holds after the runs."""

    by_status: dict[str, int]  # payments of this payer by status
    succeeded_ids: dict[str, list[int]]  # per run prefix, SUCCEEDED payment ids
    balance: int
    top_up_entries: int
    top_up_sum: int
    succeeded_sum: int


async def _audit(url: str, payer: Payer, runs: list[str]) -> Audit:
    from tortoise.functions import Count

    from models import Balance, LedgerEntry, LedgerKind, Payment, PaymentStatus

    await open_database(url)
    try:
        mine = Payment.filter(payer_subscriber_id=payer.subscriber_id)
        # Requests wrk abandoned in flight finish on the server after it stopped: wait.
        deadline = time.monotonic() + 30
        while await mine.filter(status=PaymentStatus.PENDING).exists():
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        by_status = dict(
            await mine.group_by("status").annotate(n=Count("id")).values_list("status", "n")
        )
        succeeded = mine.filter(status=PaymentStatus.SUCCEEDED)
        ids = {
            run: await succeeded.filter(
                idempotency_key__startswith=f"s{payer.subscriber_id}:{run}-"
            ).values_list("id", flat=True)
            for run in runs
        }
        entries = await LedgerEntry.filter(
            number__msisdn=payer.msisdn, kind=LedgerKind.TOPUP
        ).values_list("amount", flat=True)
        paid = await succeeded.values_list("amount", flat=True)
        balance = (await Balance.get(number__msisdn=payer.msisdn)).amount
    finally:
        await close_database()
    return Audit(
        by_status={str(status): n for status, n in by_status.items()},
        succeeded_ids=ids,
        balance=balance,
        top_up_entries=len(entries),
        top_up_sum=sum(entries),
        succeeded_sum=sum(paid),
    )


def _ledger_verify(url: str) -> tuple[bool, str]:
    result = subprocess.run(
        [sys.executable, "-m", "gateway", "ledger", "verify"],
        env=gateway_env({"DATABASE_URL": url}),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = (result.stdout + result.stderr).strip()
    return result.returncode == 0 and " 0 mismatched" in result.stdout, output


@dataclass
class Checks:
    """The audit of one database's runs, in the JSON record."""

    lines: list[str] = field(default_factory=list)

    def check(self, passed: bool, line: str, found: Findings) -> None:
        self.lines.append(("ok   " if passed else "FAIL ") + line)
        if not passed:
            found.problem(line)


def audit_runs(
    database: str, url: str, payer: Payer, loads: list[TopUpLoad], found: Findings
) -> Checks:
    """Every check of one database's top-up runs, each failed one a problem in `found`."""
    audit = in_child(_audit, url, payer, [load.run for load in loads])
    checks = Checks()
    where = f"top_up on {database}"
    statuses = ", ".join(f"{n} {status}" for status, n in sorted(audit.by_status.items()))
    checks.check(
        set(audit.by_status) == {"SUCCEEDED"},
        f"{where}: every payment SUCCEEDED ({statuses})",
        found,
    )
    for load in loads:
        answered, succeeded = load.answered_ids, set(audit.succeeded_ids[load.run])
        unanswered = len(succeeded - set(answered))
        checks.check(
            len(set(answered)) == len(answered) and set(answered) <= succeeded,
            f"{where} run {load.run}: the {len(answered)} payments answered SUCCEEDED are "
            "distinct and SUCCEEDED in the database",
            found,
        )
        checks.check(
            unanswered <= load.in_flight_at_stop,
            f"{where} run {load.run}: {len(succeeded)} SUCCEEDED payments = "
            f"{len(answered)} answered 200 without errors + {unanswered} of the "
            f"{load.in_flight_at_stop} requests wrk abandoned in flight when it stopped",
            found,
        )
    checks.check(
        audit.top_up_entries == audit.by_status.get("SUCCEEDED", 0)
        and audit.top_up_sum == audit.succeeded_sum
        and audit.balance == payer.opening + audit.succeeded_sum,
        f"{where}: {audit.top_up_entries} TOPUP ledger entries, one per SUCCEEDED payment; "
        f"balance {audit.balance} = opening {payer.opening} + {audit.succeeded_sum} paid",
        found,
    )
    verified, output = _ledger_verify(url)
    checks.check(verified, f"{where}: kabinet ledger verify: {output}", found)
    return checks
