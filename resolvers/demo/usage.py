"""A year of plausible calls, SMS and data sessions for a demo number: the recent three
months (what bundles and recommendations read) and the nine 30-day months before them
(what the usage detail and its exports show), each from its own random stream so that
adding the older months left the recent ones, and the figures shown from them, unchanged."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from models import Number, Tariff, UsageDirection, UsageKind, UsageRecord

DAYS = 91
MB = 1024 * 1024
MONTH = timedelta(days=30)
# The 30-day months before the recent three, oldest first: month m starts m * 30 days ago.
EARLIER_MONTHS = range(12, 3, -1)
# Trips abroad in the older months: (first day, last day) counted back from now, the zone,
# and which numbers went (by the last digit of the MSISDN).
TRIPS = (((200, 190), "turkey", "12"), ((305, 300), "asia", "5"), ((130, 126), "europe", "4"))


def build_usage_records(
    rng: random.Random, number: Number, tariff: Tariff, now: datetime
) -> list[UsageRecord]:
    records: list[UsageRecord] = []
    data_only = tariff.minutes == 0
    start_day = max(0, DAYS - (now - number.activated_at).days)
    for day in range(start_day, DAYS):
        day_start = (now - timedelta(days=DAYS - day)).replace(hour=0, minute=0, second=0)
        roaming = "europe" if 40 <= day < 47 and number.msisdn.endswith("1") else None
        records += _one_day(rng, number, day_start, roaming, data_only)
    # The activation day's records from before the activation (drawn all the same, so
    # that the random stream, and every later day, stays as it was).
    records = [record for record in records if record.started_at >= number.activated_at]
    for i, record in enumerate(records):
        record.external_id = f"demo-{number.msisdn[1:]}-{i:05d}"
    return records


def earlier_months(number: Number, now: datetime) -> list[int]:
    """The older months the number was active for the whole of, oldest first."""
    return [m for m in EARLIER_MONTHS if now - MONTH * m >= number.activated_at]


def build_earlier_usage(
    rng: random.Random, number: Number, tariff: Tariff, now: datetime
) -> list[UsageRecord]:
    """The older months' records: days 92 to 30 * m - 1 back, so each falls inside its
    30-day month and before the recent three months' first day."""
    months = earlier_months(number, now)
    if not months:
        return []
    records: list[UsageRecord] = []
    data_only = tariff.minutes == 0
    for back in range(MONTH.days * months[0] - 1, DAYS, -1):
        day_start = (now - timedelta(days=back)).replace(hour=0, minute=0, second=0)
        roaming = next(
            (
                zone
                for (first, last), zone, who in TRIPS
                if first >= back >= last and number.msisdn[-1] in who
            ),
            None,
        )
        records += _one_day(rng, number, day_start, roaming, data_only)
    for i, record in enumerate(records):
        record.external_id = f"demo-{number.msisdn[1:]}-y{i:05d}"
    return records


def _one_day(
    rng: random.Random, number: Number, day_start: datetime, roaming: str | None, data_only: bool
) -> list[UsageRecord]:
    records: list[UsageRecord] = []
    if not data_only:
        for _ in range(rng.randint(0, 5)):
            records.append(_call(rng, number, day_start, roaming))
        for _ in range(rng.randint(0, 3)):
            records.append(_sms(rng, number, day_start, roaming))
    for _ in range(rng.randint(1, 4)):
        records.append(_data(rng, number, day_start, roaming))
    return records


def _at(rng: random.Random, day_start: datetime) -> datetime:
    return day_start + timedelta(seconds=rng.randint(7 * 3600, 23 * 3600))


def _counterpart(rng: random.Random) -> str:
    return f"+7{rng.choice(['916', '926', '903', '999'])}{rng.randint(0, 9999999):07d}"


def _call(rng: random.Random, number: Number, day: datetime, roaming: str | None) -> UsageRecord:
    seconds = rng.randint(5, 900)
    return UsageRecord(
        number=number,
        kind=UsageKind.CALL,
        direction=rng.choice([UsageDirection.IN, UsageDirection.OUT]),
        counterpart=_counterpart(rng),
        started_at=_at(rng, day),
        duration_seconds=seconds,
        cost=(seconds // 60 + 1) * 4900 if roaming else 0,
        roaming_zone=roaming,
    )


def _sms(rng: random.Random, number: Number, day: datetime, roaming: str | None) -> UsageRecord:
    direction = rng.choice([UsageDirection.IN, UsageDirection.OUT])
    return UsageRecord(
        number=number,
        kind=UsageKind.SMS,
        direction=direction,
        counterpart=_counterpart(rng),
        started_at=_at(rng, day),
        cost=1900 if roaming and direction is UsageDirection.OUT else 0,
        roaming_zone=roaming,
    )


def _data(rng: random.Random, number: Number, day: datetime, roaming: str | None) -> UsageRecord:
    size = rng.randint(1, 400) * MB
    return UsageRecord(
        number=number,
        kind=UsageKind.DATA,
        direction=UsageDirection.OUT,
        counterpart="internet",
        started_at=_at(rng, day),
        duration_seconds=rng.randint(60, 3600),
        bytes=size,
        cost=(size // MB) * 100 if roaming else 0,
        roaming_zone=roaming,
    )
