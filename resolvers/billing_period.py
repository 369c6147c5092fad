"""A number's billing period: the month from its anniversary day (the day of the month it
was activated) to the same day a month later, from midnight UTC. A day the month lacks
(the 31st in April) falls on that month's last day."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_TICK = timedelta(seconds=1)


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime  # exclusive

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())


def _anniversary(year: int, month: int, day: int) -> datetime:
    last = calendar.monthrange(year, month)[1]
    return datetime(year, month, min(day, last), tzinfo=UTC)


def _shift(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def period_containing(activated_at: datetime, at: datetime) -> Period:
    day = activated_at.astimezone(UTC).day
    at = at.astimezone(UTC)
    year, month = at.year, at.month
    start = _anniversary(year, month, day)
    if start > at:
        year, month = _shift(year, month, -1)
        start = _anniversary(year, month, day)
    next_year, next_month = _shift(year, month, 1)
    return Period(start, _anniversary(next_year, next_month, day))


def full_periods_before(activated_at: datetime, at: datetime, how_many: int) -> list[Period]:
    """The last `how_many` whole periods before the current one, oldest first, counting only
    periods that started on or after the activation's anniversary day."""
    periods: list[Period] = []
    current = period_containing(activated_at, at)
    for _ in range(how_many):
        previous = period_containing(activated_at, current.start - _TICK)
        if previous.start < activated_at.astimezone(UTC).replace(
            hour=0, minute=0, second=0, microsecond=0
        ):
            break
        periods.append(previous)
        current = previous
    return list(reversed(periods))


def pro_rata(fee: int, period: Period, now: datetime) -> int:
    """What is left of a monthly fee for the rest of the period, in whole minor units
    (rounded up: a started kopeck is charged)."""
    left = int((period.end - now).total_seconds())
    if left <= 0 or fee <= 0:
        return 0
    return min(fee, -(-fee * left // period.seconds))
