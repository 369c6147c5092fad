"""What every detail file shows, whatever its format: the heading (the phone number, or the
contract number and address of a home contract; owner, period, time zone, totals), the
columns, and each record's values in words and numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Protocol

from resolvers.usage_detail import KindTotal

KIND_NAMES = {"CALL": "Звонок", "SMS": "SMS", "DATA": "Интернет", "TV": "ТВ-пакет"}
DIRECTION_NAMES = {"IN": "входящий", "OUT": "исходящий"}
COLUMNS = (
    "Дата и время",
    "Тип",
    "Направление",
    "Номер или ресурс",
    "Длительность",
    "Объём, МБ",
    "Роуминг",
    "Стоимость",
)
MEGABYTE = 1024 * 1024


class DetailRow(Protocol):
    """One usage record as the usage detail reads it (resolvers/usage_detail's UsageRow)."""

    @property
    def kind(self) -> str: ...
    @property
    def direction(self) -> str: ...
    @property
    def counterpart(self) -> str: ...
    @property
    def started_at(self) -> datetime: ...
    @property
    def duration_seconds(self) -> int | None: ...
    @property
    def bytes(self) -> int | None: ...
    @property
    def cost(self) -> int: ...
    @property
    def currency(self) -> str: ...
    @property
    def roaming_zone(self) -> str | None: ...


@dataclass(frozen=True)
class DetailHeading:
    """The top of every file: which line (a phone number, or a home contract and where it
    is), whose, which period, in which zone, and its totals (summed by the database before
    the first record is written)."""

    line_title: str  # «номера +7…» or «договора 77…»
    owner_name: str
    since: datetime  # UTC, inclusive
    until: datetime  # UTC, exclusive
    zone: tzinfo
    zone_name: str
    totals: Sequence[KindTotal]
    address: str | None = None  # a home contract's

    @property
    def period(self) -> str:
        first = self.since.astimezone(self.zone)
        # `until` is exclusive: the last day shown is the one before it.
        last = (self.until - timedelta(microseconds=1)).astimezone(self.zone)
        return f"{first:%d.%m.%Y} – {last:%d.%m.%Y} ({self.zone_name})"

    @property
    def title(self) -> str:
        return f"Детализация {self.line_title}"

    @property
    def subtitles(self) -> list[str]:
        """The lines under the title: the owner, a home contract's address, the period."""
        lines = [f"Владелец: {self.owner_name}"]
        if self.address:
            lines.append(f"Адрес: {self.address}")
        return [*lines, f"Период: {self.period}"]

    @property
    def record_count(self) -> int:
        return sum(total.count for total in self.totals)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)


def money(minor: int) -> Decimal:
    """Kopecks as roubles, exactly."""
    return Decimal(minor).scaleb(-2)


def duration_text(seconds: int | None) -> str:
    if seconds is None:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def megabytes(size: int | None) -> Decimal | None:
    if size is None:
        return None
    return (Decimal(size) / MEGABYTE).quantize(Decimal("0.01"))


def currency_sign(currency: str) -> str:
    return "₽" if currency == "RUB" else currency


def grand_total(totals: Sequence[KindTotal]) -> tuple[int, str] | None:
    """What everything cost together, when it was all charged in one currency."""
    currencies = {total.currency for total in totals if total.cost}
    if len(currencies) > 1:
        return None
    return sum(total.cost for total in totals), (currencies.pop() if currencies else "RUB")
