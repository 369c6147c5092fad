"""The exports' share of the background worker's pass: make queued exports, remove files
past their retention, send the monthly detail e-mails. Each step is safe with any number
of workers at once (claims and guarded updates), and with one on SQLite."""

from __future__ import annotations

from dataclasses import dataclass

from resolvers.exports.jobs import remove_expired_files, run_due_exports
from resolvers.exports.monthly import send_monthly_details
from resolvers.services import Services


@dataclass(frozen=True)
class Done:
    job: str  # "export", "export_retention", "monthly_detail"
    status: str
    detail: str


async def export_pass(services: Services) -> list[Done]:
    done = [
        Done("export", str(outcome.status), f"export {outcome.job_id}: {outcome.detail}")
        for outcome in await run_due_exports(services)
    ]
    removed = await remove_expired_files(services, services.clock())
    if removed:
        done.append(Done("export_retention", "removed", f"{len(removed)} expired file(s)"))
    done += [
        Done("monthly_detail", sent.status, sent.detail)
        for sent in await send_monthly_details(services, services.clock())
    ]
    return done
