"""PDF through reportlab's canvas, page by page: each page is laid out from the records of
its own lines and handed to the document as soon as it is full, so nothing is kept per
record (platypus would build a story of every row first). Every page repeats the heading
and the column titles and carries its number; the totals close the document. Cyrillic is
drawn with DejaVu Sans, shipped with the project (resolvers/exports/fonts, its licence
beside it) and embedded as a subset."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFStream
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from resolvers.exports.writers.common import (
    COLUMNS,
    DIRECTION_NAMES,
    KIND_NAMES,
    DetailHeading,
    DetailRow,
    currency_sign,
    duration_text,
    grand_total,
    megabytes,
    money,
)

CONTENT_TYPE = "application/pdf"
FONTS = Path(__file__).resolve().parent.parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 36.0
LINE = 11.0
FONT_SIZE = 7.5
# Left edge of each column, in points from the margin (A4 portrait holds 523 points).
COLUMN_X = (0, 78, 124, 172, 282, 336, 390, 458)
RIGHT_ALIGNED = frozenset({4, 5, 7})
COLUMN_RIGHT = {4: 330, 5: 384, 7: 523}
TOP = PAGE_HEIGHT - MARGIN
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN


class CompactCanvas(Canvas):
    """reportlab keeps every finished page's content as text until `save` and compresses
    it only then: about 34 KB a page of this table, 75 MB for 100,000 records. Here each
    page's content is compressed as soon as the page is finished (to about a seventh), and
    marked as already filtered so that `save` writes it as it is."""

    def showPage(self) -> None:
        super().showPage()
        page = self._doc.Pages.pages[-1]
        if page.stream:
            packed = zlib.compress(page.stream.encode("utf-8"))
            page.Contents = PDFStream(
                dictionary=PDFDictionary({"Filter": PDFName("FlateDecode")}), content=packed
            )
            page.stream = None


@cache
def register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))


def fitted(text: str, font: str, size: float, width: float) -> str:
    """The text, cut short with an ellipsis where it would run past `width` points (a long
    address on one line)."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def cells(row: DetailRow, heading: DetailHeading) -> tuple[str, ...]:
    size = megabytes(row.bytes)
    return (
        f"{heading.local(row.started_at):%d.%m.%Y %H:%M:%S}",
        KIND_NAMES.get(row.kind, row.kind),
        DIRECTION_NAMES.get(row.direction, row.direction),
        row.counterpart[:24],
        "" if row.kind == "DATA" else duration_text(row.duration_seconds),
        "" if size is None else f"{size}",
        (row.roaming_zone or "")[:14],
        f"{money(row.cost)} {currency_sign(row.currency)}",
    )


class PdfDetailWriter:
    def __init__(self, path: Path, heading: DetailHeading) -> None:
        register_fonts()
        self.heading = heading
        self.canvas = CompactCanvas(str(path), pagesize=A4, pageCompression=1)
        self.canvas.setTitle(heading.title)
        self.canvas.setAuthor("Kabinet")
        self.page = 0
        self.lines: list[tuple[str, ...]] = []
        # The title, its subtitles (owner, a contract's address, period), the column titles.
        self.subtitles = [fitted(line, REGULAR, 8, TEXT_WIDTH) for line in heading.subtitles]
        self.columns_y = TOP - LINE * (len(self.subtitles) + 1.5)
        self.first_line = self.columns_y - LINE / 2
        self.lines_per_page = int((self.first_line - MARGIN - 2 * LINE) // LINE)

    def write(self, rows: Sequence[DetailRow]) -> None:
        heading, lines = self.heading, self.lines
        for row in rows:
            lines.append(cells(row, heading))
            if len(lines) == self.lines_per_page:
                self._page(lines)
                lines.clear()

    def _top(self) -> None:
        c, heading = self.canvas, self.heading
        self.page += 1
        c.setFont(BOLD, 11)
        c.drawString(MARGIN, TOP, heading.title)
        c.setFont(REGULAR, 8)
        for i, line in enumerate(self.subtitles):
            c.drawString(MARGIN, TOP - LINE * (i + 1.3), line)
        c.drawRightString(PAGE_WIDTH - MARGIN, TOP, f"Страница {self.page}")
        c.setFont(BOLD, FONT_SIZE)
        y = self.columns_y
        for i, title in enumerate(COLUMNS):
            self._cell(i, y, title)
        c.line(MARGIN, y - 3, PAGE_WIDTH - MARGIN, y - 3)

    def _cell(self, column: int, y: float, text: str) -> None:
        if column in RIGHT_ALIGNED:
            self.canvas.drawRightString(MARGIN + COLUMN_RIGHT[column], y, text)
        else:
            self.canvas.drawString(MARGIN + COLUMN_X[column], y, text)

    def _page(self, lines: Sequence[tuple[str, ...]]) -> None:
        self._top()
        self.canvas.setFont(REGULAR, FONT_SIZE)
        y = self.first_line
        for line in lines:
            for column, text in enumerate(line):
                self._cell(column, y, text)
            y -= LINE
        self.canvas.showPage()

    def finish(self) -> None:
        if self.lines or self.page == 0:
            self._page(self.lines)
            self.lines.clear()
        self._totals()
        self.canvas.save()

    def _totals(self) -> None:
        c, heading = self.canvas, self.heading
        self._top()
        y = self.first_line
        c.setFont(BOLD, 9)
        c.drawString(MARGIN, y, "Итоги за период")
        y -= LINE * 1.5
        c.setFont(REGULAR, 8)
        for total in heading.totals:
            size = megabytes(total.bytes) if total.kind == "DATA" else None
            amount = f"{money(total.cost)} {currency_sign(total.currency)}"
            parts = [f"{KIND_NAMES.get(total.kind, total.kind)}: {total.count}"]
            if total.kind == "CALL":
                parts.append(duration_text(total.seconds))
            if size is not None:
                parts.append(f"{size} МБ")
            c.drawString(MARGIN, y, ", ".join(parts))
            c.drawRightString(MARGIN + COLUMN_RIGHT[7], y, amount)
            y -= LINE
        overall = grand_total(heading.totals)
        if overall is not None:
            c.setFont(BOLD, 8)
            c.drawString(MARGIN, y - 2, "Итого")
            cost, currency = overall
            c.drawRightString(
                MARGIN + COLUMN_RIGHT[7], y - 2, f"{money(cost)} {currency_sign(currency)}"
            )
        c.showPage()

    def close(self) -> None:
        self.lines.clear()
