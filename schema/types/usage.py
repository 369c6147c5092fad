"""The usage detail in the API, of a phone number or a home contract: records with times in
the reader's zone, pages by cursor, totals and internet traffic per day over the whole
filter."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

import models.usage as stored
from resolvers.context import RequestContext
from resolvers.usage_detail import (
    UsageFilter,
    UsagePage,
    UsageRow,
    checked_filter,
    local_time,
    shown_totals,
)
from resolvers.usage_detail.loaders import totals_of, traffic_of
from schema.types.enums import mirror_enum
from schema.types.money import Money
from schema.types.payments import PageInfo
from schema.types.scalars import BigInt

Info = strawberry.Info[RequestContext, None]
UsageKind = mirror_enum(
    stored.UsageKind,
    "What a usage record is: a call, an SMS, data (a phone's data session, a home "
    "contract's internet session), a TV package's charge.",
)
UsageDirection = mirror_enum(stored.UsageDirection, "IN: made to the number; OUT: by it.")


@strawberry.input(
    name="UsageFilter", description="Which records: a window of at most one year, and more."
)
class UsageFilterInput:
    since: datetime = strawberry.field(name="from", description="Inclusive.")
    until: datetime = strawberry.field(name="to", description="Exclusive; after `from`.")
    kinds: list[UsageKind] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these kinds; all when null or empty."
    )
    direction: UsageDirection | None = None  # type: ignore[valid-type]
    roaming: bool | None = strawberry.field(
        default=None, description="true: only in roaming; false: only at home."
    )
    counterpart: str | None = strawberry.field(
        default=None,
        description="The other party contains this text (case-insensitive), e.g. a part of a "
        'phone number or "internet".',
    )

    def checked(self) -> UsageFilter:
        return checked_filter(
            self.since,
            self.until,
            kinds=[stored.UsageKind(kind.value) for kind in self.kinds or ()],
            direction=stored.UsageDirection(self.direction.value) if self.direction else None,
            roaming=self.roaming,
            counterpart=self.counterpart,
        )


@strawberry.type(
    description="One rated call, SMS, data session (a home contract's internet too) or TV "
    "package charge."
)
class UsageRecord:
    id: strawberry.ID
    kind: UsageKind  # type: ignore[valid-type]
    direction: UsageDirection  # type: ignore[valid-type]
    counterpart: str = strawberry.field(
        description='The other party: a phone number, a short code, or "internet"; for a '
        "TV charge, the package's name."
    )
    started_at: datetime = strawberry.field(
        description="In the reader's time zone (the connection's timeZone), with its offset."
    )
    duration_seconds: int | None = strawberry.field(description="Calls and data sessions.")
    bytes: BigInt | None = strawberry.field(description="Data sessions.")  # type: ignore[valid-type]
    cost: Money
    roaming_zone: str | None = strawberry.field(description="Null at home.")

    @classmethod
    def of(cls, row: UsageRow, zone_name: str) -> UsageRecord:
        return cls(
            id=strawberry.ID(str(row.id)),
            kind=UsageKind(row.kind.value),
            direction=UsageDirection(row.direction.value),
            counterpart=row.counterpart,
            started_at=local_time(row.started_at, zone_name),
            duration_seconds=row.duration_seconds,
            bytes=row.bytes,
            cost=Money.from_minor(row.cost, row.currency),
            roaming_zone=row.roaming_zone,
        )


@strawberry.type
class UsageRecordEdge:
    node: UsageRecord
    cursor: str


@strawberry.type(description="What one kind adds up to over the whole filter, every page.")
class UsageTotal:
    kind: UsageKind  # type: ignore[valid-type]
    count: int
    seconds: BigInt = strawberry.field(  # type: ignore[valid-type]
        description="Calls: talk time; data: session time; SMS: 0."
    )
    bytes: BigInt  # type: ignore[valid-type]
    cost: Money


@strawberry.type(
    description="Internet traffic of one day (in the reader's time zone): DATA records only."
)
class DailyTraffic:
    day: date
    bytes: BigInt  # type: ignore[valid-type]
    sessions: int
    seconds: BigInt = strawberry.field(description="Session time.")  # type: ignore[valid-type]


@strawberry.type(description="A page of usage records, newest first.")
class UsageRecordConnection:
    edges: list[UsageRecordEdge]
    page_info: PageInfo
    time_zone: str = strawberry.field(description="The IANA zone the times are shown in.")
    number_id: strawberry.Private[int]
    line_kind: strawberry.Private[str]
    usage_filter: strawberry.Private[UsageFilter]

    @strawberry.field(
        description="Per kind asked for, over the whole filter (not only this page); a kind "
        "charged in two currencies has a total per currency. Without `kinds`, the kinds "
        "of the line: CALL, SMS, DATA for a phone; DATA, TV for a home contract."
    )
    async def totals(self, info: Info) -> list[UsageTotal]:
        summed = await totals_of(info.context.loaders, self.number_id, self.usage_filter)
        found = shown_totals(summed, self.line_kind, self.usage_filter)
        return [
            UsageTotal(
                kind=UsageKind(total.kind.value),
                count=total.count,
                seconds=total.seconds,
                bytes=total.bytes,
                cost=Money.from_minor(total.cost, total.currency),
            )
            for total in found
        ]

    @strawberry.field(
        description="Internet (DATA) traffic per day in `timeZone` over the whole filter "
        "(not only this page), oldest first; days without sessions are left out."
    )
    async def daily_traffic(self, info: Info) -> list[DailyTraffic]:
        days = await traffic_of(
            info.context.loaders, self.number_id, self.usage_filter, self.time_zone
        )
        return [
            DailyTraffic(day=d.day, bytes=d.bytes, sessions=d.sessions, seconds=d.seconds)
            for d in days
        ]

    @classmethod
    def of(
        cls, number_id: int, line_kind: str, page: UsagePage, zone_name: str
    ) -> UsageRecordConnection:
        return cls(
            edges=[
                UsageRecordEdge(node=UsageRecord.of(row, zone_name), cursor=page.cursor(row))
                for row in page.rows
            ],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            time_zone=zone_name,
            number_id=number_id,
            line_kind=line_kind,
            usage_filter=page.usage_filter,
        )


UsageFilterArgument = Annotated[UsageFilterInput, strawberry.argument(name="filter")]
