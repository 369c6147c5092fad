from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

import models.operations as stored_enums
from permissions.acting import actor_shown, grant_shown, partner_shown
from permissions.levels import Level
from resolvers.context import RequestContext
from resolvers.operations import history, summary
from resolvers.operations.history import Page, people_in_view
from schema.types.catalog import Service, Tariff
from schema.types.enums import mirror_enum
from schema.types.money import Money
from schema.types.payments import PageInfo
from schema.types.subscriber import Subscriber

if TYPE_CHECKING:
    from schema.types.grant import Grant, PartnerApp
    from schema.types.line import Line
    from schema.types.number import Number

Info = strawberry.Info[RequestContext, None]


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
    amount: Money | None = strawberry.field(
        description="A top-up, autopay run or trust payment: the money it moves."
    )
    details: strawberry.Private[dict[str, Any]]
    number_id: strawberry.Private[int]
    actor_subscriber_id: strawberry.Private[int | None]
    actor_partner_id: strawberry.Private[int | None]
    grant_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> Operation:
        """From a dict of COLUMNS or a model object."""
        get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
        details = dict(get("details") or {})
        fee = details.get("fee")
        amount = details.get("amount")
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
            amount=Money.from_minor(amount, details.get("currency", "RUB")) if amount else None,
            details=details,
            number_id=get("number_id"),
            actor_subscriber_id=get("actor_subscriber_id"),
            actor_partner_id=get("actor_partner_id"),
            grant_id=get("grant_id"),
        )

    @strawberry.field(
        description="What was done, in words (Russian), e.g. «Смена тарифа: Семейный → Смарт»."
    )
    async def summary(self, info: Info) -> str:
        kind = self.kind.value
        needed = summary.needs_catalogue(kind)
        catalogue = await info.context.loaders.catalogue() if needed else None
        on_contract = False
        if summary.names_the_line(kind):  # the reach (once per request) knows the line's kind
            line = (await info.context.loaders.reach()).numbers.get(self.number_id)
            on_contract = line is not None and line.home is not None
        return summary.summary(kind, self.details, catalogue, on_contract)

    @strawberry.field(
        description="The number it was made on (null if no longer visible, and for a home "
        "contract: see line)."
    )
    async def number(
        self, info: Info
    ) -> Annotated[Number, strawberry.lazy("schema.types.number")] | None:
        from schema.types.number import Number

        line = await self.line(info)
        return line if isinstance(line, Number) else None

    @strawberry.field(description="The line it was made on (null if no longer visible).")
    async def line(
        self, info: Info
    ) -> Annotated[Line, strawberry.lazy("schema.types.line")] | None:
        from schema.types.lines import line_of

        reach = await info.context.loaders.reach()
        row = reach.numbers.get(self.number_id)
        if row is None or reach.level(row.id) is Level.NONE:
            return None
        return line_of(row, reach, info.context.viewer)

    @strawberry.field(
        description="The person who acted (see actorRole for on whose behalf): shown to "
        "themselves, to whom another path already shows them (an account owner in the "
        "reach, the user of a number seen at FULL) and to the number's owner; null to "
        "anyone else, and for the worker."
    )
    async def actor(self, info: Info) -> Subscriber | None:
        reach = await info.context.loaders.reach()
        viewer = info.context.viewer
        role = stored_enums.ActorRole(self.actor_role.value)
        level = reach.level(self.number_id)
        known = people_in_view(reach, viewer)
        if not actor_shown(viewer, self.actor_subscriber_id, role, level, known):
            return None
        assert self.actor_subscriber_id is not None
        row = await info.context.loaders.subscriber_by_id.load(self.actor_subscriber_id)
        return Subscriber.from_row(row) if row else None

    @strawberry.field(
        description="The partner app that acted: shown to itself and to the number's owner."
    )
    async def partner_app(
        self, info: Info
    ) -> Annotated[PartnerApp, strawberry.lazy("schema.types.grant")] | None:
        from schema.types.grant import PartnerApp

        reach = await info.context.loaders.reach()
        if not partner_shown(
            info.context.viewer, self.actor_partner_id, reach.level(self.number_id)
        ):
            return None
        assert self.actor_partner_id is not None
        row = await info.context.loaders.partner_app_by_id.load(self.actor_partner_id)
        return PartnerApp.from_row(row) if row else None

    @strawberry.field(
        description="The grant a delegate or app acted through: shown to the number's owner "
        "and to the grantee who acted."
    )
    async def grant(
        self, info: Info
    ) -> Annotated[Grant, strawberry.lazy("schema.types.grant")] | None:
        from schema.types.grant import Grant

        if self.grant_id is None:
            return None
        reach = await info.context.loaders.reach()
        level = reach.level(self.number_id)
        viewer = info.context.viewer
        if not grant_shown(viewer, self.actor_subscriber_id, self.actor_partner_id, level):
            return None
        rows = await info.context.loaders.grants_by_number.load(self.number_id)
        now = info.context.services.clock()
        return next((Grant.from_row(r, now) for r in rows if r["id"] == self.grant_id), None)

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


@strawberry.type
class OperationEdge:
    node: Operation
    cursor: str


@strawberry.type(description="A page of the request history, newest first.")
class OperationConnection:
    edges: list[OperationEdge]
    page_info: PageInfo

    @classmethod
    def from_page(cls, page: Page) -> OperationConnection:
        return cls(
            edges=[
                OperationEdge(node=Operation.from_row(row), cursor=page.cursor(row))
                for row in page.rows
            ],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
        )


@strawberry.input(description="Which records a request history lists; every part optional.")
class RequestFilter:
    types: list[OperationKind] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Kinds of operation (none: all)."
    )
    statuses: list[OperationStatus] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Statuses (none: all)."
    )
    since: datetime | None = strawberry.field(
        default=None, name="from", description="Made at or after this moment."
    )
    until: datetime | None = strawberry.field(
        default=None, name="to", description="Made before this moment."
    )


def request_filter(given: RequestFilter | None) -> history.RequestFilter:
    """The stored filter from the input (checked: timezones, from before to)."""
    if given is None:
        return history.RequestFilter()
    return history.RequestFilter.of(
        [stored_enums.OperationKind(kind.value) for kind in given.types or ()],
        [stored_enums.OperationStatus(status.value) for status in given.statuses or ()],
        given.since,
        given.until,
    )
