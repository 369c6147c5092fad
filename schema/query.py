from __future__ import annotations

import strawberry

from resolvers import catalog
from resolvers.context import RequestContext
from schema.types.catalog import Service, Tariff
from schema.types.viewer import Viewer, ViewerKind


@strawberry.type
class Query:
    @strawberry.field(description="The tariff catalogue; public.")
    async def tariffs(self) -> list[Tariff]:
        return [Tariff.from_row(row) for row in await catalog.list_tariffs()]

    @strawberry.field(description="The catalogue of add-on services; public.")
    async def services(self) -> list[Service]:
        return [Service.from_row(row) for row in await catalog.list_services()]

    @strawberry.field(description="Who is asking; null for an anonymous caller.")
    def viewer(self, info: strawberry.Info[RequestContext, None]) -> Viewer | None:
        viewer = info.context.viewer
        if viewer.is_anonymous:
            return None
        kind = ViewerKind.PARTNER_APP if viewer.is_partner else ViewerKind.SUBSCRIBER
        return Viewer(kind=kind, scopes=sorted(viewer.scopes))
