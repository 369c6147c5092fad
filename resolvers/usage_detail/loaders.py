"""`Number.usage` for every number of a request: a family page asks for the last few
records of each child's number, and gets them in two statements whatever the family's size.

A first page (no `after`) is read with the same first page of every other number asked
with the same filter and size (`UsagePageByNumberLoader`: `first_pages` over `USAGE`,
LATERAL on PostgreSQL down each number's (number_id, started_at, id) index; on SQLite
`ROW_NUMBER()`, which ranks every record of the numbers in the filter's window, fine at an
embedded database's sizes). A page after a cursor, or the first page of a number asked
alone, is read by itself (`usage_page`): one LIMIT over the index. Both are in the same
order and end on the same cursor, so `after:` goes on from either the same way. Totals are
summed for every number under one filter in one statement (`UsageTotalsByNumberLoader`),
and so is the internet traffic per day, under one filter and zone
(`DailyTrafficByNumberLoader`). Numbers and home contracts are lines of one table: a tree
of both is read by the same statements.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolvers.dataloader import ByNumberAndAskLoader
from resolvers.pages import first_pages
from resolvers.usage_detail.days import DayTraffic, traffic_by_number
from resolvers.usage_detail.filter import UsageFilter
from resolvers.usage_detail.page import UsagePage, check_first, usage_page
from resolvers.usage_detail.rows import USAGE, filter_condition, usage_row
from resolvers.usage_detail.totals import KindTotal, totals_by_number

if TYPE_CHECKING:
    from resolvers.loaders import Loaders


class UsagePageByNumberLoader(ByNumberAndAskLoader[tuple[UsageFilter, int], UsagePage]):
    """Keys are (number id, (filter, first)): one statement per distinct pair asked for."""

    async def load_numbers(
        self, number_ids: list[int], ask: tuple[UsageFilter, int]
    ) -> list[UsagePage]:
        usage_filter, first = ask
        if len(number_ids) == 1:
            # One number (`number(msisdn:)`): its LIMIT over the index, which SQLite's
            # ROW_NUMBER would not stop early on, reading the whole window to rank it.
            return [await usage_page(number_ids[0], usage_filter, first, None)]
        condition, params = filter_condition(usage_filter)
        pages = await first_pages(USAGE, number_ids, first, condition, params)
        return [
            UsagePage([usage_row(row) for row in page.rows], page.has_next_page, usage_filter)
            for page in pages
        ]


class UsageTotalsByNumberLoader(ByNumberAndAskLoader[UsageFilter, list[KindTotal]]):
    """Keys are (number id, filter): one statement per distinct filter asked for."""

    async def load_numbers(
        self, number_ids: list[int], usage_filter: UsageFilter
    ) -> list[list[KindTotal]]:
        return await totals_by_number(number_ids, usage_filter)


class DailyTrafficByNumberLoader(ByNumberAndAskLoader[tuple[UsageFilter, str], list[DayTraffic]]):
    """Keys are (line id, (filter, the reader's zone)): one statement per distinct pair."""

    async def load_numbers(
        self, number_ids: list[int], ask: tuple[UsageFilter, str]
    ) -> list[list[DayTraffic]]:
        usage_filter, zone_name = ask
        return await traffic_by_number(number_ids, usage_filter, zone_name)


async def usage_of(
    loaders: Loaders, number_id: int, usage_filter: UsageFilter, first: int, after: str | None
) -> UsagePage:
    """The page `Number.usage` shows: batched when it is a first page."""
    if after is not None:
        return await usage_page(number_id, usage_filter, first, after)
    check_first(first)
    return await loaders.get(UsagePageByNumberLoader).load((number_id, (usage_filter, first)))


async def totals_of(loaders: Loaders, number_id: int, usage_filter: UsageFilter) -> list[KindTotal]:
    return await loaders.get(UsageTotalsByNumberLoader).load((number_id, usage_filter))


async def traffic_of(
    loaders: Loaders, number_id: int, usage_filter: UsageFilter, zone_name: str
) -> list[DayTraffic]:
    loader = loaders.get(DailyTrafficByNumberLoader)
    return await loader.load((number_id, (usage_filter, zone_name)))
