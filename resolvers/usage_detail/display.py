"""Whose time zone a number's usage is shown in."""

from __future__ import annotations

from resolvers.loaders import Loaders
from resolvers.reach import NumberRow
from resolvers.usage_detail.zones import DEFAULT_TIME_ZONE


async def display_time_zone(loaders: Loaders, number: NumberRow) -> str:
    """The viewer's own zone when a subscriber asks; for a partner app, the zone of the
    subscriber who uses the number (the person the app shows it to), else the default.
    One cached lookup per subscriber per request."""
    viewer = loaders.viewer
    subscriber_id = viewer.subscriber_id if viewer is not None else None
    if subscriber_id is None:
        subscriber_id = number.user_id
    if subscriber_id is None:
        return DEFAULT_TIME_ZONE
    row = await loaders.subscriber_by_id.load(subscriber_id)
    return row["time_zone"] if row else DEFAULT_TIME_ZONE
