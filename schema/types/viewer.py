from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from resolvers.context import RequestContext


@strawberry.type(description="A person who can sign in.")
class Subscriber(relay.Node):
    pk: relay.NodeID[int]
    phone: str
    full_name: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Subscriber:
        return cls(pk=row["id"], phone=row["phone"], full_name=row["full_name"])


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

    @strawberry.field(description="The signed-in subscriber; null for a partner app.")
    async def subscriber(self, info: strawberry.Info[RequestContext, None]) -> Subscriber | None:
        subscriber_id = info.context.viewer.subscriber_id
        if subscriber_id is None:
            return None
        row = await info.context.loaders.subscriber_by_id.load(subscriber_id)
        return Subscriber.from_row(row) if row else None
