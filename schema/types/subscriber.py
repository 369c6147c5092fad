from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay


@strawberry.type(description="A person who can sign in.")
class Subscriber(relay.Node):
    pk: relay.NodeID[int]
    phone: str
    full_name: str
    time_zone: str = strawberry.field(
        description="The IANA time zone their times are shown in (usage detail, exports); "
        "Europe/Moscow unless they chose another with setTimeZone."
    )

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Subscriber:
        return cls(
            pk=row["id"], phone=row["phone"], full_name=row["full_name"], time_zone=row["time_zone"]
        )
