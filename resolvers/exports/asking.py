"""The rules of asking: for an export (a few at a time per viewer) and for the monthly
e-mail (a subscriber's own wish, only once they have a confirmed contact e-mail)."""

from __future__ import annotations

from datetime import date, datetime

from tortoise.exceptions import IntegrityError

from models import ExportFormat, ExportJob, ExportStatus, MonthlyDetailEmail, Subscriber
from permissions.viewer import Viewer
from resolvers.errors import Conflict, Forbidden
from resolvers.exports.jobs import enqueue
from resolvers.exports.reading import COLUMNS, Row
from resolvers.usage_detail import UsageFilter

MAX_IN_PROGRESS = 5  # exports QUEUED or RUNNING per viewer


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


async def confirmed_contact_email(subscriber_id: int) -> str | None:
    """The subscriber's contact e-mail if they entered the code sent to it; None otherwise."""
    row = (
        await Subscriber.filter(id=subscriber_id, contact_email_confirmed_at__isnull=False)
        .first()
        .values("contact_email")
    )
    return row["contact_email"] if row else None


async def set_monthly_detail_email(
    viewer: Viewer, number_id: int, enabled: bool, now: datetime
) -> str | None:
    """The confirmed contact e-mail the monthly detail now goes to; None when switched off.
    CONFLICT when switching on without a confirmed contact e-mail: the detail is personal
    data, and an address nobody proved to read could be a stranger's."""
    if viewer.subscriber_id is None:
        raise Forbidden("Only a subscriber can get the monthly detail by e-mail.")
    wish = {"subscriber_id": viewer.subscriber_id, "number_id": number_id}
    if not enabled:
        await MonthlyDetailEmail.filter(**wish).delete()
        return None
    address = await confirmed_contact_email(viewer.subscriber_id)
    if address is None:
        raise Conflict(
            "Confirm a contact e-mail first (requestEmailConfirmation, then confirmEmail): "
            "the monthly detail goes only to a confirmed address.",
            reason="EMAIL_NOT_CONFIRMED",
        )
    if not await MonthlyDetailEmail.exists(**wish):
        try:
            await MonthlyDetailEmail.create(**wish, created_at=now)
        except IntegrityError:  # the same wish sent twice at once: the other one made it
            pass
    return address
