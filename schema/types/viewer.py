from __future__ import annotations

from enum import Enum

import strawberry

from permissions.contract_session import is_contract_session
from permissions.viewer import Viewer as ViewerIdentity
from resolvers.access import grants
from resolvers.access import requests as access_requests
from resolvers.access.common import subscriber_of
from resolvers.context import RequestContext
from resolvers.exports import reading as export_reading
from resolvers.home.sessions import contract_numbers_of
from resolvers.identity import sessions
from resolvers.identity.profile import OwnProfile, own_profile
from resolvers.money import cards
from resolvers.notifications.settings import preferences_of
from resolvers.operations import history as requests_history
from resolvers.reach import Reach
from resolvers.support.loaders import THREAD_FIELDS, attach_threads
from resolvers.support.tickets import tickets_of_viewer
from schema.lookahead import selects_any
from schema.types.access_request import AccessRequest
from schema.types.account import Account
from schema.types.exports import ExportJob, export_view
from schema.types.grant import Grant
from schema.types.identity import Session
from schema.types.line import Line
from schema.types.lines import line_of
from schema.types.notifications import NotificationPreferences
from schema.types.number import Number
from schema.types.operation import OperationConnection, RequestFilter, request_filter
from schema.types.payments import PaymentCard
from schema.types.subscriber import Subscriber
from schema.types.support import SupportTicket, TicketStatus

Info = strawberry.Info[RequestContext, None]


_PROFILE_FIELDS = frozenset(
    {"contactEmail", "contactEmailConfirmed", "contactEmailConfirmedAt", "loginAlias"}
)


async def own_subscriber(info: Info, subscriber_id: int) -> Subscriber | None:
    """The viewer as a Subscriber whose settings fields answer (to no one else's)."""
    loaders = info.context.loaders
    row = await loaders.subscriber_by_id.load(subscriber_id)
    if row is None:
        return None
    subscriber = Subscriber.from_row(row)
    # The settings cost a statement: only when asked for.
    subscriber.own = (
        await own_profile(subscriber_id)
        if selects_any(info, _PROFILE_FIELDS)
        else OwnProfile(None, None, None)
    )
    reach = await loaders.reach()
    subscriber.used_numbers = [
        number.msisdn for number in reach.visible_numbers() if number.user_id == subscriber_id
    ]
    return subscriber


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

    @strawberry.field(
        description="The signed-in subscriber, with their settings; null for a partner app."
    )
    async def subscriber(self, info: Info) -> Subscriber | None:
        subscriber_id = info.context.viewer.subscriber_id
        if subscriber_id is None:
            return None
        return await own_subscriber(info, subscriber_id)

    @strawberry.field(description="What the subscriber is told about, and how.")
    async def notification_preferences(self, info: Info) -> NotificationPreferences:
        subscriber_id = subscriber_of(info.context.viewer)
        chosen = await preferences_of(subscriber_id)
        return NotificationPreferences.of(chosen, self.reach, self.who)

    @strawberry.field(
        description="The subscriber's live sessions, most recently used first (a session "
        "signed in with a home contract sees only itself)."
    )
    async def sessions(self, info: Info) -> list[Session]:
        viewer = info.context.viewer
        if viewer.subscriber_id is None:
            return []
        rows = await sessions.list_sessions(info.context.services, viewer.subscriber_id)
        if is_contract_session(viewer):
            rows = [row for row in rows if row.id == viewer.session_id]
        contracts = await contract_numbers_of(rows)
        return [Session.from_row(row, viewer.session_id, contracts) for row in rows]

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
        description="Every line the viewer reaches at TOPUP or above, phone numbers then "
        "home contracts: their own, those in accounts they own, and those granted to them."
    )
    def lines(self) -> list[Line]:
        return [line_of(row, self.reach, self.who) for row in self.reach.visible_lines()]

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
        if is_contract_session(info.context.viewer):  # its contract's grants only
            reach = await info.context.loaders.reach()
            rows = [row for row in rows if row["number_id"] in reach.numbers]
        return [Grant.from_row(row, now) for row in rows]

    @strawberry.field(description="Requests for access to the viewer's numbers.")
    async def access_requests_incoming(self, info: Info) -> list[AccessRequest]:
        now = info.context.services.clock()
        rows = await access_requests.incoming(info.context.loaders)
        return [AccessRequest.from_row(row, now) for row in rows]

    @strawberry.field(description="The viewer's saved cards.")
    async def payment_cards(self, info: Info) -> list[PaymentCard]:
        if is_contract_session(info.context.viewer):
            return []  # the holder's cards are not the contract's
        return [PaymentCard.from_row(row) for row in await cards.list_cards(info.context.viewer)]

    @strawberry.field(
        description="The viewer's usage detail exports, newest first (the last 50), while "
        "they still see each number's usage."
    )
    async def exports(self, info: Info) -> list[ExportJob]:
        ctx = info.context
        reach = await ctx.loaders.reach()
        rows = await export_reading.viewer_exports(ctx.viewer, reach)
        return [export_view(ctx, reach, row) for row in rows]

    @strawberry.field(description="Requests the viewer made.")
    async def access_requests_outgoing(self, info: Info) -> list[AccessRequest]:
        now = info.context.services.clock()
        if is_contract_session(info.context.viewer):
            return []  # asking for others' lines is the holder's, not the contract's
        rows = await access_requests.outgoing(info.context.viewer)
        return [AccessRequest.from_row(row, now) for row in rows]

    @strawberry.field(
        description="Support tickets the viewer opened (a subscriber: also those a partner "
        "app opened for their numbers), newest first, on numbers they may still read them on."
    )
    async def support_tickets(
        self, info: Info, status: TicketStatus | None = None
    ) -> list[SupportTicket]:
        reach = await info.context.loaders.reach()
        wanted = status.value if status is not None else None
        viewer = info.context.viewer
        rows = await tickets_of_viewer(viewer, reach, wanted)
        if selects_any(info, THREAD_FIELDS):
            rows = await attach_threads(rows)
        return [
            SupportTicket.from_row(row, reach.numbers[row["number_id"]], viewer) for row in rows
        ]
