"""The rules of asking: for an export (a few at a time per viewer) and for the monthly
e-mail (a subscriber's own wish, at an address that looks like one)."""

from __future__ import annotations

import re
from datetime import date, datetime

from tortoise.exceptions import IntegrityError

from models import ExportFormat, ExportJob, ExportStatus, MonthlyDetailEmail
from permissions.viewer import Viewer
from resolvers.errors import BadUserInput, Conflict, Forbidden
from resolvers.exports.jobs import enqueue
from resolvers.exports.reading import COLUMNS, Row
from resolvers.usage_detail import UsageFilter

MAX_IN_PROGRESS = 5  # exports QUEUED or RUNNING per viewer
MAX_EMAIL = 254
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")


async def ask_for_export(
    viewer: Viewer,
    number_id: int,
    format: ExportFormat,
    usage_filter: UsageFilter,
    now: datetime,
    days: tuple[date, date],
) -> Row:
    """The new job's row (QUEUED); CONFLICT when the viewer has too many in progress."""
    mine = (
        {"subscriber_id": viewer.subscriber_id}
        if viewer.subscriber_id is not None
        else {"partner_app_id": viewer.partner_app_id}
    )
    busy = await ExportJob.filter(
        **mine, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]
    ).count()
    if busy >= MAX_IN_PROGRESS:
        raise Conflict(
            f"{busy} exports are still being made: wait for one to finish, then ask again.",
            inProgress=busy,
        )
    job = await enqueue(viewer, number_id, format, usage_filter, now, days)
    return (await ExportJob.filter(id=job.id).values(*COLUMNS))[0]


def checked_email(email: str | None) -> str:
    text = (email or "").strip()
    if len(text) > MAX_EMAIL or not _EMAIL.fullmatch(text):
        raise BadUserInput("Give an e-mail address such as anna@example.ru.", field="email")
    return text


async def set_monthly_detail_email(
    viewer: Viewer, number_id: int, email: str | None, enabled: bool, now: datetime
) -> str | None:
    """The address the monthly detail now goes to; None when switched off."""
    if viewer.subscriber_id is None:
        raise Forbidden("Only a subscriber can get the monthly detail by e-mail.")
    wish = {"subscriber_id": viewer.subscriber_id, "number_id": number_id}
    if not enabled:
        await MonthlyDetailEmail.filter(**wish).delete()
        return None
    address = checked_email(email)
    if not await MonthlyDetailEmail.filter(**wish).update(email=address):
        try:
            await MonthlyDetailEmail.create(**wish, email=address, created_at=now)
        except IntegrityError:  # the same wish sent twice at once: the other one made it
            await MonthlyDetailEmail.filter(**wish).update(email=address)
    return address
