from __future__ import annotations

from enum import Enum

import strawberry

from permissions.viewer import Viewer as ViewerIdentity
from resolvers.access import grants
from resolvers.access import requests as access_requests
from resolvers.context import RequestContext
from resolvers.identity import sessions
from resolvers.money import cards
from resolvers.operations import history as requests_history
from resolvers.reach import Reach
from schema.types.access_request import AccessRequest
from schema.types.account import Account
from schema.types.grant import Grant
from schema.types.identity import Session
from schema.types.number import Number
from schema.types.operation import OperationConnection, RequestFilter, request_filter
from schema.types.payments import PaymentCard
from schema.types.subscriber import Subscriber

Info = strawberry.Info[RequestContext, None]


@strawberry.enum(description="What kind of caller the viewer is.")
class ViewerKind(Enum):
    SUBSCRIBER = "SUBSCRIBER"
    PARTNER_APP = "PARTNER_APP"


@strawberry.type(description="Who is asking. Null for an anonymous caller.")
class Viewer:
    kind: ViewerKind
    scopes: list[str] = strawberry.field(
        description="A partner app's token scopes; empty for a subscriber (who acts as themself)."
    )
    # Loaded by Query.viewer before the fields run, so the tree's edges need no await.
    reach: strawberry.Private[Reach]
    who: strawberry.Private[ViewerIdentity]

    @strawberry.field(description="The signed-in subscriber; null for a partner app.")
    async def subscriber(self, info: Info) -> Subscriber | None:
        subscriber_id = info.context.viewer.subscriber_id
        if subscriber_id is None:
            return None
        row = await info.context.loaders.subscriber_by_id.load(subscriber_id)
        return Subscriber.from_row(row) if row else None

    @strawberry.field(description="The subscriber's live sessions, most recently used first.")
    async def sessions(self, info: Info) -> list[Session]:
        viewer = info.context.viewer
        if viewer.subscriber_id is None:
            return []
        rows = await sessions.list_sessions(info.context.services, viewer.subscriber_id)
        return [Session.from_row(row, viewer.session_id) for row in rows]

    @strawberry.field(description="The tops of the account trees the viewer owns.")
    def accounts(self) -> list[Account]:
        return [Account.from_row(row, self.reach, self.who) for row in self.reach.root_accounts]

    @strawberry.field(
        description="Every number the viewer reaches at TOPUP or above: their own, those in "
        "accounts they own, and those granted to them."
    )
    def numbers(self) -> list[Number]:
        return [Number.of(row, self.reach, self.who) for row in self.reach.visible_numbers()]

    @strawberry.field(
        description="The request history of every number the viewer sees at FULL (apps: "
        "with `balance:read`), newest first, in one list. Pages of at most 100."
    )
    async def requests(
        self,
        info: Info,
        filter: RequestFilter | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> OperationConnection:
        reach = await info.context.loaders.reach()  # memoised: loaded once per request
        numbers = requests_history.numbers_with_history(reach, self.who)
        page = await requests_history.page(numbers, request_filter(filter), first, after)
        return OperationConnection.from_page(page)

    @strawberry.field(description="Access given to others on the viewer's numbers.")
    async def grants_given(self, info: Info) -> list[Grant]:
        now = info.context.services.clock()
        return [Grant.from_row(row, now) for row in await grants.grants_given(info.context.loaders)]

    @strawberry.field(description="Access the viewer holds on others' numbers.")
    async def grants_received(self, info: Info) -> list[Grant]:
        now = info.context.services.clock()
        rows = await grants.grants_received(info.context.viewer)
        return [Grant.from_row(row, now) for row in rows]

    @strawberry.field(description="Requests for access to the viewer's numbers.")
    async def access_requests_incoming(self, info: Info) -> list[AccessRequest]:
        now = info.context.services.clock()
        rows = await access_requests.incoming(info.context.loaders)
        return [AccessRequest.from_row(row, now) for row in rows]

    @strawberry.field(description="The viewer's saved cards.")
    async def payment_cards(self, info: Info) -> list[PaymentCard]:
        return [PaymentCard.from_row(row) for row in await cards.list_cards(info.context.viewer)]

    @strawberry.field(description="Requests the viewer made.")
    async def access_requests_outgoing(self, info: Info) -> list[AccessRequest]:
        now = info.context.services.clock()
        rows = await access_requests.outgoing(info.context.viewer)
        return [AccessRequest.from_row(row, now) for row in rows]
