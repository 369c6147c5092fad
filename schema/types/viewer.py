from __future__ import annotations

from enum import Enum

import strawberry

from resolvers.context import RequestContext
from resolvers.identity import sessions
from schema.types.identity import Session
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
