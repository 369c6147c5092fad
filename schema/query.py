from __future__ import annotations

import strawberry
from strawberry import relay

from permissions.levels import Level
from resolvers import catalog
from resolvers.context import RequestContext
from resolvers.errors import NotFound
from resolvers.identity.phones import normalise_phone
from resolvers.reach import Reach
from schema.lookahead import selects_any
from schema.nodes import resolve_node
from schema.types.catalog import Service, Tariff
from schema.types.catalog_filters import ServiceFilter, SortDirection, TariffFilter, TariffSort
from schema.types.number import Number
from schema.types.viewer import Viewer, ViewerKind

Info = strawberry.Info[RequestContext, None]
_REACH_FIELDS = frozenset({"accounts", "numbers", "lines"})


@strawberry.type
class Query:
    @strawberry.field(
        description="The tariff catalogue; public. Without a filter: the choosable tariffs."
    )
    async def tariffs(
        self, filter: TariffFilter | None = None, sort: TariffSort | None = None
    ) -> list[Tariff]:
        if filter is None and sort is None:
            rows = await catalog.list_tariffs()
        else:
            rows = await catalog.list_tariffs(
                filter.to_filter() if filter else None,
                catalog.TariffSortKey(sort.by.value) if sort else None,
                descending=sort is not None and sort.direction is SortDirection.DESC,
            )
        return [Tariff.from_row(row) for row in rows]

    @strawberry.field(description="The catalogue of add-on services; public.")
    async def services(self, info: Info, filter: ServiceFilter | None = None) -> list[Service]:
        wanted = filter.to_filter() if filter else catalog.ServiceFilter()
        catalogue = await info.context.loaders.catalogue()
        if (
            wanted.compatible_with_tariff is not None
            and wanted.compatible_with_tariff not in catalogue.tariffs
        ):
            raise NotFound("No such tariff.")
        return [Service.from_row(row) for row in catalog.filter_services(catalogue, wanted)]

    @strawberry.field(description="Who is asking; null for an anonymous caller.")
    async def viewer(self, info: Info) -> Viewer | None:
        viewer = info.context.viewer
        if viewer.is_anonymous:
            return None
        kind = ViewerKind.PARTNER_APP if viewer.is_partner else ViewerKind.SUBSCRIBER
        wanted = selects_any(info, _REACH_FIELDS)
        reach = await info.context.loaders.reach() if wanted else Reach()
        return Viewer(kind=kind, scopes=sorted(viewer.scopes), reach=reach, who=viewer)

    @strawberry.field(
        description="A number by MSISDN. NOT_FOUND when it does not exist or the viewer "
        "has no access to it: the two look the same."
    )
    async def number(self, info: Info, msisdn: str) -> Number | None:
        reach = await info.context.loaders.reach()
        row = reach.by_msisdn.get(normalise_phone(msisdn))
        level = reach.level(row.id) if row else Level.NONE
        if row is None or level is Level.NONE:
            raise NotFound("No such number.")
        return Number.of(row, reach, info.context.viewer)

    @strawberry.field(description="Any object by its global id, if the viewer may see it.")
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        return await resolve_node(info, str(id))
