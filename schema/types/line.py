from __future__ import annotations

import asyncio
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry
from strawberry import relay

from permissions.levels import SEE_NUMBERS, Level, can_top_up
from permissions.viewer import Viewer
from resolvers.context import RequestContext
from resolvers.operations import history as requests_history
from resolvers.reach import NumberRow, Reach
from resolvers.support.loaders import (
    THREAD_FIELDS,
    SupportThreadsByNumberLoader,
    SupportTicketsByNumberLoader,
)
from resolvers.usage_detail.display import display_time_zone
from resolvers.usage_detail.loaders import usage_of
from schema.batched import batched
from schema.directives import access_field
from schema.lookahead import selects_any
from schema.types import line_fields
from schema.types.access_level import AccessLevel
from schema.types.care import NumberBlock
from schema.types.catalog import Service, Tariff
from schema.types.money import Money
from schema.types.operation import (
    Operation,
    OperationConnection,
    RequestFilter,
    request_filter,
)
from schema.types.payments import LedgerEntryConnection, LedgerKind, PaymentConnection
from schema.types.subscriber import Subscriber
from schema.types.support import SupportTicket, TicketStatus
from schema.types.trust_autopay import Autopay, TrustPaymentState
from schema.types.usage import UsageFilterArgument, UsageRecordConnection

if TYPE_CHECKING:
    from schema.types.account import Account
    from schema.types.grant import Grant

Info = strawberry.Info[RequestContext, None]
FULL, OWNER = AccessLevel.FULL, AccessLevel.OWNER


@strawberry.enum
class NumberStatus(Enum):
    ACTIVE = "ACTIVE"
    BLOCKED = "BLOCKED"
    SUSPENDED = "SUSPENDED"
    CLOSED = "CLOSED"


@strawberry.type(description="A service connected to a line.")
class ConnectedService:
    service: Service
    connected_at: datetime


async def connected_services(info: Info, line_id: int) -> list[ConnectedService]:
    """The services connected to a line, through the request's loaders."""
    loaders = info.context.loaders
    connections = await loaders.services_by_number.load(line_id)
    services = await loaders.service_by_id.load_all([c["service_id"] for c in connections])
    return [
        ConnectedService(service=Service.from_row(service), connected_at=c["connected_at"])
        for c, service in zip(connections, services, strict=True)
    ]


@strawberry.interface(
    description="A line the viewer can reach: a phone number (Number) or a home internet and "
    "TV contract (HomeContract). One ledger, one grant model, one request history for both."
)
class Line(relay.Node):
    pk: relay.NodeID[int]
    label: str
    # Plain values, decided once when the object is made: no resolver call per field.
    access_level: AccessLevel = strawberry.field(description="The viewer's access level on it.")
    can_top_up: bool = strawberry.field(description="Whether the viewer may top it up now.")
    row: strawberry.Private[NumberRow]
    level: strawberry.Private[Level]
    reach: strawberry.Private[Reach]

    @classmethod
    def own_fields(cls, row: NumberRow) -> dict[str, Any]:
        """What the implementing type adds to the shared fields, from the row."""
        return {}

    @classmethod
    def of(cls, row: NumberRow, reach: Reach, viewer: Viewer) -> Self:
        """The line as this request's viewer sees it: one object per line per request,
        however many paths of the query reach it."""
        made = reach.views.get((cls, row.id))
        if made is None:
            level = reach.level(row.id)
            made = reach.views[(cls, row.id)] = cls(
                pk=row.id,
                label=row.label,
                access_level=AccessLevel.of(level),
                can_top_up=can_top_up(viewer, level, row.status != "CLOSED")
                and row.id not in reach.top_up_cap_used,
                row=row,
                level=level,
                reach=reach,
                **cls.own_fields(row),
            )
        return made  # type: ignore[no-any-return]

    @access_field(FULL, scope=SEE_NUMBERS)
    def status(self) -> NumberStatus | None:
        return NumberStatus(self.row.status)

    @access_field(FULL, scope=SEE_NUMBERS, description="The block in force, null when not blocked.")
    def block(self) -> NumberBlock | None:
        return NumberBlock.of(self.row)

    @access_field(FULL, scope="balance:read")
    def balance(self) -> Money | None:
        row = self.row
        if row.balance_amount is None or row.balance_currency is None:
            return None
        return Money.from_minor(row.balance_amount, row.balance_currency)

    @access_field(FULL, scope=SEE_NUMBERS)
    def tariff(self) -> Tariff | None:
        # One Tariff object per tariff per request, however many numbers share it.
        views = self.reach.views
        tariff = views.get((Tariff, self.row.tariff_id))
        if tariff is None:
            tariff = views[(Tariff, self.row.tariff_id)] = Tariff.from_row(self.row.tariff)
        return tariff

    @access_field(FULL, scope=SEE_NUMBERS, description="Who uses the line day to day.")
    async def user(self, info: Info) -> Subscriber | None:
        if self.row.user_id is None:
            return None
        row = await info.context.loaders.subscriber_by_id.load(self.row.user_id)
        return Subscriber.from_row(row) if row else None

    @access_field(FULL, scope=SEE_NUMBERS)
    async def services(self, info: Info) -> list[ConnectedService] | None:
        return await connected_services(info, self.row.id)

    @access_field(
        FULL,
        scope=SEE_NUMBERS,
        description="The tariff change scheduled for the next period, if any.",
    )
    async def pending_tariff_change(self, info: Info) -> Operation | None:
        row = await info.context.loaders.pending_tariff_change_by_number.load(self.row.id)
        return Operation.from_row(row) if row else None

    @access_field(
        FULL,
        scope="usage:read",
        description="The usage detail: calls, SMS, data sessions and TV charges under the "
        "filter, newest first (equal times in a fixed order), at most 100 a page, with "
        "totals over the whole filter.",
    )
    async def usage(
        self,
        info: Info,
        usage_filter: UsageFilterArgument,
        first: int = 20,
        after: str | None = None,
    ) -> UsageRecordConnection | None:
        checked = usage_filter.checked()
        page, zone_name = await asyncio.gather(
            usage_of(info.context.loaders, self.row.id, checked, first, after),
            display_time_zone(info.context.loaders, self.row),
        )
        return UsageRecordConnection.of(self.row.id, self.row.kind, page, zone_name)

    @access_field(
        FULL,
        scope="usage:read",
        description="Whether the viewer asked for this line's previous month of usage "
        "detail as a PDF by e-mail (setMonthlyDetailEmail); it is sent only while their "
        "contact e-mail is confirmed.",
    )
    async def monthly_detail_email(self, info: Info) -> bool | None:
        return await info.context.loaders.monthly_detail_email_by_number.load(self.row.id)

    @access_field(
        FULL,
        scope=requests_history.HISTORY_SCOPE,
        description="The request history (история заявок): every operation on the line, "
        "newest first, with who acted on whose behalf. Pages of at most 100.",
    )
    async def requests(
        self,
        info: Info,
        filter: RequestFilter | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> OperationConnection | None:
        loaders = info.context.loaders
        under = request_filter(filter)
        if after is not None:
            page = await requests_history.page([self.row.id], under, first, after)
        else:
            requests_history.check_first(first)
            key = requests_history.PageKey(self.row.id, under, first)
            page = await loaders.requests_by_number.load(key)
        return OperationConnection.from_page(page)

    @access_field(FULL, scope="balance:read", description="Top-ups, newest first.")
    @batched(line_fields.payments_of)
    async def payments(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        since: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        until: Annotated[datetime | None, strawberry.argument(name="to")] = None,
    ) -> PaymentConnection | None:
        found = await line_fields.payments_of([self], info.context, first, after, since, until)
        return found[0]

    @access_field(FULL, scope="balance:read", description="Ledger entries, newest first.")
    @batched(line_fields.balance_history_of)
    async def balance_history(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        since: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        until: Annotated[datetime | None, strawberry.argument(name="to")] = None,
        kinds: list[LedgerKind] | None = None,
    ) -> LedgerEntryConnection | None:
        found = await line_fields.balance_history_of(
            [self], info.context, first, after, since, until, kinds
        )
        return found[0]

    @access_field(FULL, scope=SEE_NUMBERS, description="Trust payment: offer and state.")
    @batched(line_fields.trust_payment_of)
    async def trust_payment(self, info: Info) -> TrustPaymentState | None:
        return (await line_fields.trust_payment_of([self], info.context))[0]

    @access_field(FULL, scope=SEE_NUMBERS, description="The autopay rule, if any.")
    @batched(line_fields.autopay_of)
    async def autopay(self, info: Info) -> Autopay | None:
        return (await line_fields.autopay_of([self], info.context))[0]

    @access_field(
        FULL,
        scope=SEE_NUMBERS,
        description="Support tickets about the line, newest first: everyone's, whoever "
        "opened them (the owner, the user, a delegate, a partner app).",
    )
    async def support_tickets(
        self, info: Info, status: TicketStatus | None = None
    ) -> list[SupportTicket] | None:
        with_threads = selects_any(info, THREAD_FIELDS)
        kind = SupportThreadsByNumberLoader if with_threads else SupportTicketsByNumberLoader
        rows = await info.context.loaders.get(kind).load(self.row.id)
        wanted = status.value if status is not None else None
        viewer = info.context.viewer
        return [
            SupportTicket.from_row(row, self.row, viewer)
            for row in rows
            if wanted is None or row["status"] == wanted
        ]

    @access_field(OWNER, description="The account that holds the line.")
    async def account(
        self, info: Info
    ) -> Annotated[Account, strawberry.lazy("schema.types.account")] | None:
        from schema.types.account import Account

        account = self.reach.accounts.get(self.row.account_id)
        return Account.from_row(account, self.reach, info.context.viewer) if account else None

    @access_field(OWNER, description="Whether others may ask for access to this line.")
    def accepts_access_requests(self) -> bool | None:
        return self.row.accepts_access_requests

    @access_field(OWNER, description="Access given to others on this line.")
    async def grants(
        self, info: Info
    ) -> list[Annotated[Grant, strawberry.lazy("schema.types.grant")]] | None:
        from schema.types.grant import Grant

        rows = await info.context.loaders.grants_by_number.load(self.row.id)
        return [Grant.from_row(row, info.context.services.clock()) for row in rows]
