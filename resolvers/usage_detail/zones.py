"""The subscriber's time zone: times are stored in UTC and shown in the zone the subscriber
chose (an IANA name, Europe/Moscow unless they chose another)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from models import Subscriber
from resolvers.errors import BadUserInput

DEFAULT_TIME_ZONE = "Europe/Moscow"
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    # The tz database's own list: a path such as "../etc/passwd" or a file that happens to
    # parse is never a zone here, nor are the host's aliases and the duplicate trees some
    # systems install beside the zones.
    return frozenset(
        name
        for name in available_timezones()
        if name not in _NOT_ZONES and not name.startswith(("posix/", "right/"))
    )


def checked_time_zone(name: str) -> str:
    """The zone's IANA name as given, or BAD_USER_INPUT if the tz database does not know it."""
    if name not in _known_zones():
        raise BadUserInput(
            "Unknown time zone: give an IANA name such as Europe/Moscow or Asia/Yekaterinburg.",
            field="timeZone",
        )
    return name


def zone(name: str | None) -> ZoneInfo:
    """The zone of a stored name; a name the tz database no longer knows falls back to the
    default rather than failing every read of the subscriber's times."""
    if name and name in _known_zones():
        return ZoneInfo(name)
    return ZoneInfo(DEFAULT_TIME_ZONE)


def local_time(at: datetime, zone_name: str | None) -> datetime:
    """A UTC moment as the subscriber reads it: the same instant, with their zone's offset."""
    return at.astimezone(zone(zone_name))


async def time_zone_of(subscriber_id: int | None) -> str:
    """The zone a subscriber chose (the default for nobody, e.g. a partner app)."""
    if subscriber_id is None:
        return DEFAULT_TIME_ZONE
    found = await Subscriber.filter(id=subscriber_id).values_list("time_zone", flat=True)
    return found[0] if found else DEFAULT_TIME_ZONE


async def set_time_zone(subscriber_id: int, name: str) -> str:
    """Stores the subscriber's zone (one UPDATE: a single column, no read first)."""
    chosen = checked_time_zone(name)
    await Subscriber.filter(id=subscriber_id).update(time_zone=chosen)
    return chosen
