from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay


@strawberry.type(description="A person who can sign in.")
class Subscriber(relay.Node):
    pk: relay.NodeID[int]
    phone: str
    full_name: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Subscriber:
        return cls(pk=row["id"], phone=row["phone"], full_name=row["full_name"])
