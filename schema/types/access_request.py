from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from resolvers.context import RequestContext
from schema.types.access_level import GrantLevel
from schema.types.subscriber import Subscriber

Info = strawberry.Info[RequestContext, None]


@strawberry.enum
class AccessRequestStatus(Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    DENIED = "DENIED"
    WITHDRAWN = "WITHDRAWN"
    EXPIRED = "EXPIRED"


@strawberry.type(description="Someone asks a number's owner for access.")
class AccessRequest(relay.Node):
    pk: relay.NodeID[int]
    msisdn: str
    level: GrantLevel
    message: str
    status: AccessRequestStatus
    created_at: datetime
    expires_at: datetime
    decided_at: datetime | None
    row: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_row(cls, row: dict[str, Any], now: datetime) -> AccessRequest:
        status = str(row["status"])
        if status == "PENDING" and row["expires_at"] <= now:
            status = "EXPIRED"  # pending requests lapse after 7 days
        return cls(
            pk=row["id"],
            msisdn=row["msisdn"],
            level=GrantLevel(str(row["level"])),
            message=row["message"],
            status=AccessRequestStatus(status),
            created_at=row["created_at"],
            expires_at=row["expires_at"],
            decided_at=row["decided_at"],
            row=row,
        )

    @strawberry.field(description="Who asks.")
    async def requester(self, info: Info) -> Subscriber:
        return Subscriber.from_row(
            await info.context.loaders.subscriber_by_id.load(self.row["requester_id"])
        )
