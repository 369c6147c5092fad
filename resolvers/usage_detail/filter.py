"""What part of a line's usage detail is asked for, validated in one place for every reader
(`Line.usage`, the exports)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from models import UsageDirection, UsageKind
from resolvers.errors import BadUserInput

ALL_KINDS: tuple[UsageKind, ...] = (UsageKind.CALL, UsageKind.SMS, UsageKind.DATA, UsageKind.TV)
# What each kind of line uses: a phone calls, texts and goes online; a home contract goes
# online (its internet sessions are DATA) and is charged for TV packages. A filter of every
# kind shows the totals of these (and of any other kind the line did use).
KINDS_OF_LINE: dict[str, tuple[UsageKind, ...]] = {
    "MOBILE": (UsageKind.CALL, UsageKind.SMS, UsageKind.DATA),
    "HOME": (UsageKind.DATA, UsageKind.TV),
}
MAX_COUNTERPART = 64
# Phone numbers, short codes and names such as "internet": enough to search by, and no
# LIKE wildcards to escape.
_COUNTERPART = re.compile(r"[0-9A-Za-z+@. -]+")


@dataclass(frozen=True)
class UsageFilter:
    """Records of one line with `from_` <= started_at < `to` (aware, UTC), of these kinds
    (in ALL_KINDS order), in this direction, in roaming or at home, with a counterpart
    containing this text (case-insensitive). None means any."""

    from_: datetime
    to: datetime
    kinds: tuple[UsageKind, ...] = ALL_KINDS
    direction: UsageDirection | None = None
    roaming: bool | None = None
    counterpart: str | None = None

    @property
    def digest(self) -> str:
        """Short fingerprint of the filter, so a cursor made under one filter is refused
        under another."""
        text = "|".join(
            [
                self.from_.isoformat(),
                self.to.isoformat(),
                ",".join(self.kinds),
                str(self.direction),
                str(self.roaming),
                str(self.counterpart),
            ]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _utc(moment: datetime, field: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BadUserInput(
            f"Give `{field}` with a time zone offset, e.g. 2026-11-01T00:00:00+03:00.",
            field=field,
        )
    return moment.astimezone(UTC)


def _one_year_after(moment: datetime) -> datetime:
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:  # 29 February: a year later is 1 March
        return moment.replace(year=moment.year + 1, month=3, day=1)


def _checked_counterpart(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    text = text.strip()
    if len(text) > MAX_COUNTERPART or not _COUNTERPART.fullmatch(text):
        raise BadUserInput(
            f"`counterpart` is up to {MAX_COUNTERPART} letters, digits, spaces and + @ . -",
            field="counterpart",
        )
    return text.lower()


def checked_filter(
    from_: datetime,
    to: datetime,
    kinds: Iterable[UsageKind] | None = None,
    direction: UsageDirection | None = None,
    roaming: bool | None = None,
    counterpart: str | None = None,
) -> UsageFilter:
    """The filter, or BAD_USER_INPUT saying what is wrong: times without an offset, `to` not
    after `from`, more than a year, a counterpart that is not one."""
    since, until = _utc(from_, "from"), _utc(to, "to")
    if until <= since:
        raise BadUserInput("`to` must be after `from`.", field="to")
    if until > _one_year_after(since):
        raise BadUserInput("Ask for at most one year at a time.", field="to")
    chosen = set(kinds) if kinds else set(ALL_KINDS)
    return UsageFilter(
        from_=since,
        to=until,
        kinds=tuple(kind for kind in ALL_KINDS if kind in chosen),
        direction=direction,
        roaming=roaming,
        counterpart=_checked_counterpart(counterpart),
    )
