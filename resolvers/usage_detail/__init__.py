"""A line's usage detail (детализация of a phone number or a home contract): the filter,
pages by cursor, totals, traffic per day, and the record stream the exports read, all in
keyset order so none of them grows with the history's size in memory."""

from resolvers.usage_detail.days import DayTraffic
from resolvers.usage_detail.filter import ALL_KINDS, KINDS_OF_LINE, UsageFilter, checked_filter
from resolvers.usage_detail.page import UsagePage, usage_page
from resolvers.usage_detail.rows import UsageRow, stream_usage
from resolvers.usage_detail.totals import KindTotal, shown_totals, usage_totals
from resolvers.usage_detail.zones import (
    DEFAULT_TIME_ZONE,
    checked_time_zone,
    local_time,
    set_time_zone,
    time_zone_of,
    zone,
)

__all__ = [
    "ALL_KINDS",
    "DEFAULT_TIME_ZONE",
    "KINDS_OF_LINE",
    "DayTraffic",
    "KindTotal",
    "UsageFilter",
    "UsagePage",
    "UsageRow",
    "checked_filter",
    "checked_time_zone",
    "local_time",
    "set_time_zone",
    "shown_totals",
    "stream_usage",
    "time_zone_of",
    "usage_page",
    "usage_totals",
    "zone",
]
