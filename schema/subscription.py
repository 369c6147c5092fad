"""Root subscription fields, served over WebSocket (graphql-transport-ws) at /graphql."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from datetime import datetime

import strawberry

from resolvers.context import RequestContext
from resolvers.errors import ClientError, NotFound
from resolvers.events import READ_BALANCE, BalanceSnapshot, ViewerCheck, follow_balance
from schema.directives import Access, EnforceAccessOnArgument
from schema.mutations.locate import LineContractNumber, LineMsisdn, line_named
from schema.types.access_level import AccessLevel
from schema.types.money import Money

Info = strawberry.Info[RequestContext, None]
_FOLLOW_BALANCE = Access(level=AccessLevel.FULL, scope=READ_BALANCE)


@strawberry.type(description="A line's balance after a change.")
class BalanceChange:
    msisdn: str | None = strawberry.field(description="Null for a home contract.")
    contract_number: str | None = strawberry.field(description="Null for a phone number.")
    balance: Money
    at: datetime = strawberry.field(
        description="When the change was announced, just after it committed; for the first item, "
        "when it was read."
    )

    @classmethod
    def from_snapshot(cls, snapshot: BalanceSnapshot) -> BalanceChange:
        return cls(
            msisdn=snapshot.msisdn,
            contract_number=snapshot.contract_number,
            balance=Money.from_minor(snapshot.amount, snapshot.currency),
            at=snapshot.at,
        )


def _viewer_check(context: RequestContext) -> ViewerCheck:
    # Only a WebSocket connection's context (gateway/graphql_view.py) can re-check its token
    # before every event; a stream over plain HTTP could not, so it is not served.
    check: ViewerCheck | None = getattr(context, "current_viewer", None)
    if check is None:
        raise ClientError("Subscribe over WebSocket (graphql-transport-ws) at /graphql.")
    return check


async def _changes(
    snapshots: AsyncIterator[BalanceSnapshot],
) -> AsyncGenerator[BalanceChange, None]:
    async for snapshot in snapshots:
        yield BalanceChange.from_snapshot(snapshot)


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The line's current balance, then its balance after every change. "
        "Ends with UNAUTHENTICATED once the token expires or is revoked, NOT_FOUND or "
        "FORBIDDEN once the viewer's access is gone.",
        directives=[_FOLLOW_BALANCE],
        extensions=[EnforceAccessOnArgument(_FOLLOW_BALANCE, line_named)],
    )
    async def balance_changed(
        self, info: Info, msisdn: LineMsisdn = None, contract_number: LineContractNumber = None
    ) -> AsyncGenerator[BalanceChange | None, None]:
        # @access has located and checked the line (same loaders: no second query).
        number_id = await line_named(info, {"msisdn": msisdn, "contract_number": contract_number})
        if number_id is None:
            raise NotFound("No such number.")
        snapshots = await follow_balance(
            info.context.services, number_id, _viewer_check(info.context)
        )
        return _changes(snapshots)
