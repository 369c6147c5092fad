"""The demo's request history: records for what the seed made as if it had happened
through the API (top-ups, grants, a tariff change, a service), so `requests` shows a
lived-in history."""

from __future__ import annotations

from datetime import datetime, timedelta

from models import (
    AccessGrant,
    ActorRole,
    LedgerEntry,
    LedgerKind,
    Number,
    Operation,
    OperationKind,
    OperationStatus,
    Service,
    Subscriber,
    Tariff,
)


def _done(
    number_id: int,
    kind: OperationKind,
    at: datetime,
    role: ActorRole,
    details: dict[str, object],
    **columns: object,
) -> Operation:
    return Operation(
        number_id=number_id,
        kind=kind,
        status=OperationStatus.COMPLETED,
        details=details,
        actor_role=role,
        created_at=at,
        finished_at=at,
        **columns,
    )


async def record_demo_history(
    numbers: dict[str, Number],
    people: dict[str, Subscriber],
    grants: list[AccessGrant],
    tariffs: dict[str, Tariff],
    services: dict[str, Service],
    now: datetime,
) -> None:
    owners = {
        "mother": people["mother"],
        "mother-home": people["mother"],
        "stranger": people["stranger"],
    }
    rows: list[Operation] = []
    for key, number in numbers.items():
        payer = owners.get(key, people["owner"])
        for entry in await LedgerEntry.filter(number_id=number.id, kind=LedgerKind.TOPUP):
            details = {"amount": entry.amount, "currency": entry.currency}
            rows.append(
                _done(
                    number.id,
                    OperationKind.TOPUP,
                    entry.created_at,
                    ActorRole.OWNER,
                    details,
                    actor_subscriber_id=payer.id,
                    ledger_entry_id=entry.id,
                )
            )
    for grant in grants:
        details = {
            "grant_id": grant.id,
            "level": str(grant.level),
            "source": str(grant.source),
            "grantee": "partner" if grant.grantee_partner_id else "subscriber",
            "topup_monthly_limit": grant.topup_monthly_limit,
        }
        rows.append(
            _done(
                grant.number_id,
                OperationKind.GRANT,
                now - timedelta(days=20),
                ActorRole.OWNER,
                details,
                actor_subscriber_id=grant.granted_by_id,
            )
        )
    # Маша moved from «Смарт» to «Детский» two months ago; she connected «Где мой ребёнок» herself.
    rows.append(
        _done(
            numbers["daughter"].id,
            OperationKind.TARIFF_CHANGE,
            now - timedelta(days=60),
            ActorRole.OWNER,
            {
                "from_tariff_id": tariffs["smart"].id,
                "tariff_id": tariffs["kids"].id,
                "effective": "NOW",
                "disconnect_incompatible": False,
                "dropped_service_ids": [],
            },
            actor_subscriber_id=people["owner"].id,
        )
    )
    rows.append(
        _done(
            numbers["daughter"].id,
            OperationKind.SERVICE_CONNECT,
            now - timedelta(days=10),
            ActorRole.NUMBER_USER,
            {"service_id": services["location"].id, "fee": 0},
            actor_subscriber_id=people["daughter"].id,
        )
    )
    await Operation.bulk_create(rows)
