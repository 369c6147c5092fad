from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from resolvers.context import RequestContext
from schema.types.access_level import GrantLevel
from schema.types.money import Money
from schema.types.subscriber import Subscriber

if TYPE_CHECKING:
    from schema.types.line import Line
    from schema.types.number import Number

Info = strawberry.Info[RequestContext, None]


@strawberry.type(description="A third-party app acting with its owners' grants.")
class PartnerApp(relay.Node):
    pk: relay.NodeID[int]
    name: str
    client_id: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PartnerApp:
        return cls(pk=row["id"], name=row["name"], client_id=row["client_id"])


Grantee = Annotated[Subscriber | PartnerApp, strawberry.union("Grantee")]


@strawberry.type(description="Delegated access to one number.")
class Grant(relay.Node):
    pk: relay.NodeID[int]
    level: GrantLevel
    expires_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime
    active: bool = strawberry.field(description="Neither revoked nor expired.")
    source: str = strawberry.field(description="DIRECT, LINK or REQUEST.")
    row: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_row(cls, row: dict[str, Any], now: datetime) -> Grant:
        expires_at = row["expires_at"]
        return cls(
            pk=row["id"],
            level=GrantLevel(str(row["level"])),
            expires_at=expires_at,
            revoked_at=row["revoked_at"],
            created_at=row["created_at"],
            active=row["revoked_at"] is None and (expires_at is None or expires_at > now),
            source=str(row["source"]),
            row=row,
        )

    @strawberry.field(description="The most this grant may top up per calendar month.")
    def top_up_monthly_limit(self) -> Money | None:
        limit = self.row["topup_monthly_limit"]
        return Money.from_minor(limit, "RUB") if limit is not None else None

    @strawberry.field(description="The number it is on; null for a home contract.")
    def msisdn(self, info: Info) -> str | None:
        return self.row["msisdn"]

    @strawberry.field(description="The home contract it is on; null for a phone number.")
    def contract_number(self, info: Info) -> str | None:
        return self.row.get("contract_number")

    @strawberry.field(description="The number, if the viewer can see it; null for a contract.")
    async def number(
        self, info: Info
    ) -> Annotated[Number, strawberry.lazy("schema.types.number")] | None:
        from schema.types.number import Number

        line = await self.line(info)
        return line if isinstance(line, Number) else None

    @strawberry.field(description="The line (number or home contract), if the viewer can see it.")
    async def line(
        self, info: Info
    ) -> Annotated[Line, strawberry.lazy("schema.types.line")] | None:
        from schema.types.lines import line_of

        reach = await info.context.loaders.reach()
        row = reach.numbers.get(self.row["number_id"])
        level = reach.level(self.row["number_id"])
        return line_of(row, reach, info.context.viewer) if row and level else None

    @strawberry.field(description="Who holds the grant.")
    async def grantee(self, info: Info) -> Grantee:
        loaders = info.context.loaders
        if self.row["grantee_subscriber_id"] is not None:
            return Subscriber.from_row(
                await loaders.subscriber_by_id.load(self.row["grantee_subscriber_id"])
            )
        return PartnerApp.from_row(
            await loaders.partner_app_by_id.load(self.row["grantee_partner_id"])
        )
