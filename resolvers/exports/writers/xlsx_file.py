"""XLSX through openpyxl's write-only mode: rows go to a temporary file as they come, so
memory does not grow with the record count. Cells are typed: times are dates (in the
subscriber's zone, which the heading names: Excel has no time zones), durations are
durations, money is a number with a currency format. A second sheet holds the totals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from resolvers.exports.writers.common import (
    COLUMNS,
    DIRECTION_NAMES,
    KIND_NAMES,
    DetailHeading,
    DetailRow,
    currency_sign,
    grand_total,
    megabytes,
    money,
)

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD.MM.YYYY HH:MM:SS"
DURATION_FORMAT = "[h]:mm:ss"
MEGABYTES_FORMAT = "0.00"
COLUMN_WIDTHS = (20, 10, 12, 22, 13, 11, 12, 13)


def money_format(currency: str) -> str:
    return f'#,##0.00 "{currency_sign(currency)}"'


class XlsxDetailWriter:
    def __init__(self, path: Path, heading: DetailHeading) -> None:
        self.path = path
        self.heading = heading
        self.book = Workbook(write_only=True)
        self.sheet: WriteOnlyWorksheet = self.book.create_sheet("Детализация")
        for letter, width in zip("ABCDEFGH", COLUMN_WIDTHS, strict=True):
            self.sheet.column_dimensions[letter].width = width
        # Below the title, the subtitles, a blank row and the column titles. Set before the
        # first row: a write-only sheet writes its view with it and ignores a later one.
        self.sheet.freeze_panes = f"A{len(heading.subtitles) + 4}"
        bold = Font(bold=True)
        self.sheet.append([self._cell(heading.title, font=bold)])
        for line in heading.subtitles:
            self.sheet.append([line])
        self.sheet.append([])
        self.sheet.append([self._cell(name, font=bold) for name in COLUMNS])

    def _cell(self, value: object, number_format: str | None = None, font: Font | None = None):
        cell = WriteOnlyCell(self.sheet, value=value)
        if number_format:
            cell.number_format = number_format
        if font:
            cell.font = font
        return cell

    def write(self, rows: Sequence[DetailRow]) -> None:
        local, cell, append = self.heading.local, self._cell, self.sheet.append
        for row in rows:
            seconds = row.duration_seconds
            append(
                (
                    # Excel keeps no zone: the local time as the subscriber reads it.
                    cell(local(row.started_at).replace(tzinfo=None), DATE_FORMAT),
                    KIND_NAMES.get(row.kind, row.kind),
                    DIRECTION_NAMES.get(row.direction, row.direction),
                    row.counterpart,
                    None if seconds is None else cell(timedelta(seconds=seconds), DURATION_FORMAT),
                    None if row.bytes is None else cell(megabytes(row.bytes), MEGABYTES_FORMAT),
                    row.roaming_zone or "",
                    cell(money(row.cost), money_format(row.currency)),
                )
            )

    def finish(self) -> None:
        totals = self.book.create_sheet("Итоги")
        bold = Font(bold=True)

        def cell(value: object, number_format: str | None = None, font: Font | None = None):
            made = WriteOnlyCell(totals, value=value)
            if number_format:
                made.number_format = number_format
            if font:
                made.font = font
            return made

        totals.append([cell(self.heading.title, font=bold)])
        if self.heading.address:
            totals.append([f"Адрес: {self.heading.address}"])
        totals.append([f"Период: {self.heading.period}"])
        totals.append([])
        names = ("Тип", "Количество", "Длительность", "Объём, МБ", "Стоимость")
        totals.append([cell(name, font=bold) for name in names])
        for total in self.heading.totals:
            totals.append(
                [
                    KIND_NAMES.get(total.kind, total.kind),
                    total.count,
                    cell(timedelta(seconds=total.seconds), DURATION_FORMAT),
                    cell(megabytes(total.bytes), MEGABYTES_FORMAT),
                    cell(money(total.cost), money_format(total.currency)),
                ]
            )
        overall = grand_total(self.heading.totals)
        if overall is not None:
            cost, currency = overall
            totals.append(
                [
                    cell("Итого", font=bold),
                    None,
                    None,
                    None,
                    cell(money(cost), money_format(currency)),
                ]
            )
        self.book.save(self.path)

    def close(self) -> None:
        self.book.close()
