"""The security audit log. Callers pass facts, never secrets (codes, passwords, tokens)."""

from __future__ import annotations

import logging
from datetime import datetime

from models import AuditEvent

log = logging.getLogger("kabinet.audit")


async def record(
    event: str,
    outcome: str,
    *,
    at: datetime,
    phone: str | None = None,
    subscriber_id: int | None = None,
    partner_client_id: str | None = None,
    ip: str = "",
    detail: str = "",
) -> None:
    await AuditEvent.create(
        at=at,
        event=event,
        outcome=outcome,
        phone=phone,
        subscriber_id=subscriber_id,
        partner_client_id=partner_client_id,
        ip=ip[:64],
        detail=detail[:200],
    )
    log.info(
        "audit %s %s phone=%s subscriber=%s partner=%s ip=%s %s",
        event,
        outcome,
        phone,
        subscriber_id,
        partner_client_id,
        ip,
        detail,
    )
