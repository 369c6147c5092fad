from __future__ import annotations

import strawberry
from strawberry import relay

from permissions.levels import Level
from permissions.viewer import Viewer
from resolvers.context import RequestContext
from resolvers.reach import AccountRow, NumberRow, Reach
from schema.types.home_contract import HomeContract
from schema.types.line import Line
from schema.types.lines import line_of
from schema.types.number import Number
from schema.types.subscriber import Subscriber

Info = strawberry.Info[RequestContext, None]


@strawberry.type(description="A billing account. Accounts form a tree; only their owners see them.")
class Account(relay.Node):
    pk: relay.NodeID[int]
    name: str
    row: strawberry.Private[AccountRow]
    # The request's reach: the tree below is already loaded, so edges need no await.
    reach: strawberry.Private[Reach]
    viewer: strawberry.Private[Viewer]

    @classmethod
    def from_row(cls, row: AccountRow, reach: Reach, viewer: Viewer) -> Account:
        return cls(pk=row.id, name=row.name, row=row, reach=reach, viewer=viewer)

    @strawberry.field
    async def owner(self, info: Info) -> Subscriber:
        row = await info.context.loaders.subscriber_by_id.load(self.row.owner_id)
        return Subscriber.from_row(row)

    @strawberry.field(description="The phone numbers held directly by this account.")
    def numbers(self) -> list[Number]:
        reach = self.reach
        return [Number.of(row, reach, self.viewer) for row in self._lines() if row.home is None]

    @strawberry.field(description="The home contracts held directly by this account.")
    def home_contracts(self) -> list[HomeContract]:
        reach = self.reach
        return [HomeContract.of(row, reach, self.viewer) for row in self._lines() if row.home]

    @strawberry.field(
        description="Every line held directly by this account: phone numbers, then home contracts."
    )
    def lines(self) -> list[Line]:
        reach = self.reach
        return [line_of(row, reach, self.viewer) for row in self._lines()]

    def _lines(self) -> list[NumberRow]:
        return self.reach.numbers_by_account.get(self.row.id, [])

    @strawberry.field(description="Accounts directly below this one.")
    def children(self) -> list[Account]:
        rows = self.reach.children_by_account.get(self.row.id, [])
        return [Account.from_row(row, self.reach, self.viewer) for row in rows]

    @strawberry.field(description="The account above, if the viewer owns it too.")
    def parent(self) -> Account | None:
        parent = self.reach.accounts.get(self.row.parent_id) if self.row.parent_id else None
        return Account.from_row(parent, self.reach, self.viewer) if parent else None

    # Every account in the viewer's reach is owned by them.
    level: strawberry.Private[Level] = Level.OWNER
