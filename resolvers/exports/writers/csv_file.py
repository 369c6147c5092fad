"""CSV: UTF-8 with a byte order mark (Excel then reads the Cyrillic as Cyrillic), `;` between
fields (what Excel expects where the decimal separator is a comma, as in Russia), a header
row, one line a record. Money is written with a point (`12.50`): the file is for programs
as much as for people, and XLSX is the format made for Excel."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from resolvers.exports.writers.common import (
    DIRECTION_NAMES,
    KIND_NAMES,
    DetailHeading,
    DetailRow,
    money,
)

CONTENT_TYPE = "text/csv; charset=utf-8"
HEADER = (
    "Дата и время",
    "Тип",
    "Направление",
    "Номер или ресурс",
    "Длительность, с",
    "Объём, байт",
    "Роуминг",
    "Стоимость",
    "Валюта",
)


class CsvDetailWriter:
    def __init__(self, path: Path, heading: DetailHeading) -> None:
        self.heading = heading
        self.file = path.open("w", encoding="utf-8-sig", newline="")
        self.out = csv.writer(self.file, delimiter=";")
        self.out.writerow(HEADER)

    def write(self, rows: Sequence[DetailRow]) -> None:
        local = self.heading.local
        self.out.writerows(
            (
                local(row.started_at).isoformat(timespec="seconds"),
                KIND_NAMES.get(row.kind, row.kind),
                DIRECTION_NAMES.get(row.direction, row.direction),
                row.counterpart,
                "" if row.duration_seconds is None else row.duration_seconds,
                "" if row.bytes is None else row.bytes,
                row.roaming_zone or "",
                money(row.cost),
                row.currency,
            )
            for row in rows
        )

    def finish(self) -> None:
        self.file.close()

    def close(self) -> None:
        self.file.close()
