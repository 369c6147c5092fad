"""The monthly detail by e-mail: a subscriber who asked for it (setMonthlyDetailEmail) gets
the previous month's detail of the line (a phone number or a home contract) as a PDF, once
a month, at their contact e-mail.

Once means once per (number, subscriber, month), whatever the number of workers and
however often the job runs: a worker first inserts that key into `monthly_detail_sends`,
and the unique constraint lets exactly one insert through; the others skip it. The claim
holds a lease: a worker that dies before sending leaves it to be taken over once the
lease has run out (a death after the server accepted the message and before it was marked
sent would send it twice: mail has no transactions, and sending again beats never).
Access and the address are checked again when sending: a number the subscriber no longer
sees at FULL is not sent, nor is anything to a subscriber whose contact e-mail is not
confirmed then (changed, or never confirmed): the address is read at that moment, never
kept with the wish. Either is recorded as that month's outcome, not retried; the next month
is tried afresh.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError

from models import ExportFormat, MonthlyDetailEmail, MonthlyDetailSend, Subscriber
from permissions.levels import Level
from permissions.viewer import Viewer
from resolvers.exports.detail_file import detailed_line, heading_for, write_detail
from resolvers.reach import load_reach
from resolvers.services import EmailAttachment, EmailDeliveryError, EmailMessage, Services
from resolvers.usage_detail import UsageFilter, zone

log = logging.getLogger("kabinet.exports")
LEASE = timedelta(minutes=10)
SENDS_PER_PASS = 50


@dataclass(frozen=True)
class MonthlySent:
    # "sent", "skipped" (access ended, no confirmed address), "retry" (the server refused)
    status: str
    detail: str


def previous_month(now: datetime, zone_name: str | None) -> tuple[str, datetime, datetime]:
    """The month before `now` in the subscriber's zone: its name and its bounds in UTC."""
    local = now.astimezone(zone(zone_name))
    this_month = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    return f"{last_month:%Y-%m}", last_month, this_month


async def _claim(wish: dict, month: str, now: datetime) -> bool:
    """True for exactly one worker: the one whose insert went through, or who took over a
    claim whose worker died (its lease ran out, nothing was sent)."""
    try:
        await MonthlyDetailSend.create(
            subscriber_id=wish["subscriber_id"],
            number_id=wish["number_id"],
            month=month,
            locked_until=now + LEASE,
        )
        return True
    except IntegrityError:
        taken = await MonthlyDetailSend.filter(
            subscriber_id=wish["subscriber_id"],
            number_id=wish["number_id"],
            month=month,
            sent_at__isnull=True,
            outcome__isnull=True,
            locked_until__lte=now,
        ).update(locked_until=now + LEASE)
        return bool(taken)


async def _done(wish: dict, month: str, **columns: object) -> None:
    await MonthlyDetailSend.filter(
        subscriber_id=wish["subscriber_id"], number_id=wish["number_id"], month=month
    ).update(**columns)


async def send_monthly_details(services: Services, now: datetime) -> list[MonthlySent]:
    if services.email is None or services.exports is None:
        return []
    wishes = (
        await MonthlyDetailEmail.all()
        .order_by("id")
        .values("subscriber_id", "number_id", "created_at", zone_name="subscriber__time_zone")
    )
    if not wishes:
        return []
    months = {id(wish): previous_month(now, wish["zone_name"]) for wish in wishes}
    # Only this month's sends (one or two months: zones differ around midnight).
    done = set(
        await MonthlyDetailSend.filter(
            month__in={month for month, _, _ in months.values()}, locked_until__isnull=True
        ).values_list("subscriber_id", "number_id", "month")
    )
    results: list[MonthlySent] = []
    for wish in wishes:
        month, since, until = months[id(wish)]
        key = (wish["subscriber_id"], wish["number_id"], month)
        # Asked for during this month or later: the first detail is this month's, next month.
        if key in done or wish["created_at"] >= until:
            continue
        if len(results) >= SENDS_PER_PASS:
            break
        if await _claim(wish, month, now):
            try:
                results.append(await _send_one(services, wish, month, since, until, now))
            except Exception:
                # One number's failure must not hold the others back: its claim lapses
                # and a later pass tries it again.
                log.exception("monthly detail for number %s failed", wish["number_id"])
                results.append(MonthlySent("retry", f"number {wish['number_id']}: failed"))
    return results


async def _send_one(
    services: Services, wish: dict, month: str, since: datetime, until: datetime, now: datetime
) -> MonthlySent:
    assert services.email is not None and services.exports is not None
    subscriber_id, number_id = wish["subscriber_id"], wish["number_id"]
    reach = await load_reach(Viewer(subscriber_id=subscriber_id), now)
    if reach.level(number_id) < Level.FULL:
        await _done(wish, month, locked_until=None, outcome="access ended: not sent")
        return MonthlySent(
            "skipped", f"number {number_id}: subscriber {subscriber_id} no longer sees it"
        )
    subscriber = await Subscriber.get(id=subscriber_id)
    if subscriber.contact_email is None or subscriber.contact_email_confirmed_at is None:
        await _done(wish, month, locked_until=None, outcome="no confirmed contact e-mail: not sent")
        return MonthlySent(
            "skipped", f"number {number_id}: subscriber {subscriber_id} has no confirmed e-mail"
        )
    line = await detailed_line(number_id)
    usage_filter = UsageFilter(from_=since, to=until)
    spool = services.exports.spool / f"monthly-{number_id}-{subscriber_id}-{month}.pdf"
    heading = await heading_for(number_id, subscriber_id, usage_filter)
    written = await write_detail(ExportFormat.PDF, spool, number_id, usage_filter, heading)
    data = await asyncio.to_thread(spool.read_bytes)
    await asyncio.to_thread(spool.unlink)
    name = subscriber.full_name
    message = EmailMessage(
        to=subscriber.contact_email,
        subject=f"Детализация {line.genitive} за {since:%m.%Y}",
        text=(
            f"Здравствуйте{', ' + name if name else ''}!\n\n"
            f"Во вложении детализация {line.genitive} за {since:%m.%Y}: "
            f"{written} записей.\n\n"
            "Отключить эти письма можно в личном кабинете, в настройках "
            f"{'договора' if line.is_home else 'номера'}."
        ),
        attachments=(EmailAttachment(f"detail-{line.slug}-{month}.pdf", "application/pdf", data),),
    )
    try:
        await services.email.send(message)
    except EmailDeliveryError as exc:
        # Released for a later pass (the lease runs out); the reason kept for the operator.
        log.warning("monthly detail for number %s not sent: %s", number_id, exc)
        return MonthlySent("retry", f"number {number_id}, {month}: {exc}")
    await _done(wish, month, locked_until=None, sent_at=services.clock())
    return MonthlySent("sent", f"number {number_id}, {month}: {written} records")
