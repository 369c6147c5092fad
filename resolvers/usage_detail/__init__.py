"""A number's usage detail (детализация): the filter, pages by cursor, totals, and the
record stream the exports read, all in keyset order so none of them grows with the
history's size in memory."""

from resolvers.usage_detail.filter import ALL_KINDS, UsageFilter, checked_filter
from resolvers.usage_detail.page import UsagePage, usage_page
from resolvers.usage_detail.rows import UsageRow, stream_usage
from resolvers.usage_detail.totals import KindTotal, usage_totals
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
    "KindTotal",
    "UsageFilter",
    "UsagePage",
    "UsageRow",
    "checked_filter",
    "checked_time_zone",
    "local_time",
    "set_time_zone",
    "stream_usage",
    "time_zone_of",
    "usage_page",
    "usage_totals",
    "zone",
]
