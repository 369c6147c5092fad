from __future__ import annotations

import strawberry
from strawberry import relay

from permissions.levels import Level
from resolvers.context import RequestContext
from resolvers.reach import AccountRow
from schema.types.number import Number
from schema.types.subscriber import Subscriber

Info = strawberry.Info[RequestContext, None]


@strawberry.type(description="A billing account. Accounts form a tree; only their owners see them.")
class Account(relay.Node):
    pk: relay.NodeID[int]
    name: str
    row: strawberry.Private[AccountRow]

    @classmethod
    def from_row(cls, row: AccountRow) -> Account:
        return cls(pk=row.id, name=row.name, row=row)

    @strawberry.field
    async def owner(self, info: Info) -> Subscriber:
        row = await info.context.loaders.subscriber_by_id.load(self.row.owner_id)
        return Subscriber.from_row(row)

    @strawberry.field(description="The numbers held directly by this account.")
    async def numbers(self, info: Info) -> list[Number]:
        reach = await info.context.loaders.reach()
        return [
            Number.from_row(row, reach.level(row.id))
            for row in reach.numbers_by_account.get(self.row.id, [])
        ]

    @strawberry.field(description="Accounts directly below this one.")
    async def children(self, info: Info) -> list[Account]:
        reach = await info.context.loaders.reach()
        return [Account.from_row(row) for row in reach.children_by_account.get(self.row.id, [])]

    @strawberry.field(description="The account above, if the viewer owns it too.")
    async def parent(self, info: Info) -> Account | None:
        reach = await info.context.loaders.reach()
        parent = reach.accounts.get(self.row.parent_id) if self.row.parent_id else None
        return Account.from_row(parent) if parent else None

    # Every account in the viewer's reach is owned by them.
    level: strawberry.Private[Level] = Level.OWNER
