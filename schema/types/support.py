from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

import models.support as stored
from permissions.viewer import Viewer
from resolvers.reach import NumberRow
from resolvers.support.transitions import reopenable_until
from schema.types.enums import mirror_enum

TicketTopic = mirror_enum(stored.TicketTopic, "What a support ticket is about.")
TicketStatus = mirror_enum(
    stored.TicketStatus,
    "ACKNOWLEDGED: received; IN_PROGRESS: the operator's turn; PENDING_CUSTOMER: the "
    "operator answered, the subscriber's turn; RESOLVED: solved, may be reopened by writing "
    "to it for 7 days; CLOSED: final.",
)
TicketSide = mirror_enum(stored.TicketSide, "Who wrote a message or moved a ticket.")


@strawberry.type(description="One message of a support ticket. Plain text: show it as text.")
class TicketMessage:
    side: TicketSide
    text: str
    created_at: datetime
    written_by_viewer: bool = strawberry.field(description="Whether the viewer wrote it.")

    @classmethod
    def from_row(cls, row: dict[str, Any], viewer: Viewer) -> TicketMessage:
        mine = (
            viewer.subscriber_id is not None and row["author_subscriber_id"] == viewer.subscriber_id
        ) or (
            viewer.partner_app_id is not None and row["author_partner_id"] == viewer.partner_app_id
        )
        return cls(
            side=TicketSide(str(row["side"])),
            text=row["text"],
            created_at=row["created_at"],
            written_by_viewer=mine,
        )


@strawberry.type(description="A ticket's status change: who moved it (which side) and when.")
class TicketStatusChange:
    from_status: TicketStatus | None = strawberry.field(description="Null for the opening.")
    to_status: TicketStatus
    side: TicketSide
    at: datetime

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> TicketStatusChange:
        before = row["from_status"]
        return cls(
            from_status=TicketStatus(str(before)) if before else None,
            to_status=TicketStatus(str(row["to_status"])),
            side=TicketSide(str(row["side"])),
            at=row["created_at"],
        )


@strawberry.type(description="A support ticket about a number, with its conversation.")
class SupportTicket(relay.Node):
    pk: relay.NodeID[int]
    msisdn: str | None = strawberry.field(
        description="The number it is about; null for a home contract."
    )
    contract_number: str | None = strawberry.field(
        description="The home contract it is about; null for a phone number."
    )
    topic: TicketTopic
    status: TicketStatus
    created_at: datetime
    updated_at: datetime = strawberry.field(description="The last message or status change.")
    resolved_at: datetime | None
    reopenable_until: datetime | None = strawberry.field(
        description="A RESOLVED ticket: writing to it before then reopens it."
    )
    # Made with the ticket from its thread's rows (resolvers/support/loaders.py), so these
    # are plain attributes: no resolver call per ticket.
    messages: list[TicketMessage] = strawberry.field(
        description="Both sides' messages, oldest first; the first is the ticket's text."
    )
    history: list[TicketStatusChange] = strawberry.field(
        description="Every status change, oldest first, from the opening."
    )

    @classmethod
    def from_row(cls, row: dict[str, Any], line: NumberRow, viewer: Viewer) -> SupportTicket:
        """From a ticket's row; its `messages` and `events` when the thread was loaded
        (a selection without `messages` or `history` does not load it)."""
        status = stored.TicketStatus(str(row["status"]))
        return cls(
            pk=row["id"],
            msisdn=line.msisdn,
            contract_number=line.contract_number,
            topic=TicketTopic(str(row["topic"])),
            status=TicketStatus(status.value),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            resolved_at=row["resolved_at"],
            reopenable_until=reopenable_until(status, row["resolved_at"]),
            messages=[TicketMessage.from_row(m, viewer) for m in row.get("messages", ())],
            history=[TicketStatusChange.from_row(e) for e in row.get("events", ())],
        )
