"""Access levels and the pure rules that compare them. No I/O.

The level of a viewer on a number is the highest that applies: OWNER (owns the number's
account or one above it) > FULL (the number's user, or an active FULL grant) > TOPUP (an
active TOPUP grant) > NONE. A partner app's token scopes cap what its grants allow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from permissions.viewer import Viewer

SEE_NUMBERS = "numbers:read"
TOP_UP = "topup"
TOP_UP_ANY = "topup:any"
MANAGE = "manage"


class Level(IntEnum):
    NONE = 0
    TOPUP = 1
    FULL = 2
    OWNER = 3


@dataclass(frozen=True, slots=True)
class GrantFact:
    number_id: int
    level: Level
    expires_at: datetime | None
    revoked_at: datetime | None

    def active_at(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


def level_on_number(
    *,
    owns_account: bool,
    is_user: bool,
    grants: Iterable[GrantFact],
    now: datetime,
) -> Level:
    """A subscriber's or partner app's level from the facts about one number."""
    if owns_account:
        return Level.OWNER
    level = Level.FULL if is_user else Level.NONE
    for grant in grants:
        if grant.active_at(now) and grant.level > level:
            level = grant.level
    return level


def visible_level(viewer: Viewer, level: Level) -> Level:
    """The level the viewer acts with: a partner app sees nothing without `numbers:read`."""
    if viewer.is_partner and SEE_NUMBERS not in viewer.scopes:
        return Level.NONE
    return level


def allows(viewer: Viewer, level: Level, required: Level, scope: str | None = None) -> bool:
    """Whether a viewer at `level` may use something that needs `required` (and, for a
    partner app, the token scope `scope`)."""
    if level < required:
        return False
    return not (viewer.is_partner and scope is not None and scope not in viewer.scopes)


def missing_scope(viewer: Viewer, scope: str | None) -> str | None:
    """The token scope a partner app lacks for something that needs `scope`, if any."""
    if viewer.is_partner and scope is not None and scope not in viewer.scopes:
        return scope
    return None


def can_top_up(viewer: Viewer, level: Level, number_is_open: bool) -> bool:
    return number_is_open and allows(viewer, level, Level.TOPUP, TOP_UP)
