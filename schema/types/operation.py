from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

import models.operations as stored_enums
from resolvers.context import RequestContext
from schema.types.catalog import Service, Tariff
from schema.types.enums import mirror_enum
from schema.types.money import Money

Info = strawberry.Info[RequestContext, None]
COLUMNS = (
    "id",
    "number_id",
    "kind",
    "status",
    "details",
    "failure_reason",
    "actor_role",
    "created_at",
    "scheduled_for",
    "finished_at",
)


OperationKind = mirror_enum(stored_enums.OperationKind)
OperationStatus = mirror_enum(stored_enums.OperationStatus)
ActorRole = mirror_enum(stored_enums.ActorRole, "On whose behalf the operation was made.")


@strawberry.enum
class TariffChangeEffective(Enum):
    NOW = "NOW"
    NEXT_PERIOD = "NEXT_PERIOD"


@strawberry.type(description="An operation on a number (a request, заявка) and its status.")
class Operation(relay.Node):
    pk: relay.NodeID[int]
    kind: OperationKind
    status: OperationStatus
    actor_role: ActorRole
    created_at: datetime
    scheduled_for: datetime | None = strawberry.field(
        description="When a CREATED operation is due (a tariff change at the next period)."
    )
    finished_at: datetime | None
    failure_reason: str | None
    effective: TariffChangeEffective | None = strawberry.field(
        description="A tariff change: now or at the next period."
    )
    fee: Money | None = strawberry.field(description="What it charged, if anything.")
    details: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_row(cls, row: Any) -> Operation:
        """From a dict of COLUMNS or a model object."""
        get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
        details = dict(get("details") or {})
        fee = details.get("fee")
        effective = details.get("effective")
        return cls(
            pk=get("id"),
            kind=OperationKind(str(get("kind"))),
            status=OperationStatus(str(get("status"))),
            actor_role=ActorRole(str(get("actor_role"))),
            created_at=get("created_at"),
            scheduled_for=get("scheduled_for"),
            finished_at=get("finished_at"),
            failure_reason=get("failure_reason"),
            effective=TariffChangeEffective(effective) if effective else None,
            fee=Money.from_minor(fee, "RUB") if fee else None,
            details=details,
        )

    @strawberry.field(description="A tariff change: the tariff it changes to.")
    async def tariff(self, info: Info) -> Tariff | None:
        return await _tariff(info, self.details.get("tariff_id"))

    @strawberry.field(description="A tariff change: the tariff it changed from.")
    async def previous_tariff(self, info: Info) -> Tariff | None:
        return await _tariff(info, self.details.get("from_tariff_id"))

    @strawberry.field(description="A service connected or disconnected.")
    async def service(self, info: Info) -> Service | None:
        service_id = self.details.get("service_id")
        if service_id is None:
            return None
        row = (await info.context.loaders.catalogue()).services.get(service_id)
        return Service.from_row(row) if row else None

    @strawberry.field(description="Services a tariff change disconnected with it.")
    async def dropped_services(self, info: Info) -> list[Service]:
        services = (await info.context.loaders.catalogue()).services
        ids = self.details.get("dropped_service_ids") or []
        return [Service.from_row(services[sid]) for sid in ids if sid in services]


async def _tariff(info: Info, tariff_id: int | None) -> Tariff | None:
    if tariff_id is None:
        return None
    row = (await info.context.loaders.catalogue()).tariffs.get(tariff_id)
    return Tariff.from_row(row) if row else None
