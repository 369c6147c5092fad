"""A home contract's heading: its number in the title, its address under the owner; an
address too long for the PDF's line is cut with an ellipsis, never drawn off the page."""

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from models import ExportFormat, UsageKind
from resolvers.exports.writers import DetailHeading, open_writer
from resolvers.exports.writers.pdf_file import REGULAR, TEXT_WIDTH
from resolvers.usage_detail import KindTotal

LONG_ADDRESS = "Москва, " + ", ".join(f"корпус {i}" for i in range(40))


def heading(address: str | None) -> DetailHeading:
    return DetailHeading(
        line_title="договора 100200300",
        owner_name="Анна Петровна Смирнова",
        since=datetime(2026, 11, 1, tzinfo=UTC),
        until=datetime(2026, 12, 1, tzinfo=UTC),
        zone=ZoneInfo("Europe/Moscow"),
        zone_name="Europe/Moscow",
        totals=[KindTotal(UsageKind.TV, 1, 0, 0, 29900, "RUB")],
        address=address,
    )


def test_a_contracts_heading_names_it_and_its_address():
    made = heading("Москва, ул. Лесная, д. 5, кв. 12")
    assert made.title == "Детализация договора 100200300"
    assert made.subtitles[:2] == [
        "Владелец: Анна Петровна Смирнова",
        "Адрес: Москва, ул. Лесная, д. 5, кв. 12",
    ]
    assert made.subtitles[2].startswith("Период: 01.11.2026")
    assert len(heading(None).subtitles) == 2  # a phone number: no address line


def test_a_long_address_is_cut_to_the_pdfs_line(tmp_path: Path):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    writer = open_writer(ExportFormat.PDF, tmp_path / "d.pdf", heading(LONG_ADDRESS))
    address = writer.subtitles[1]  # type: ignore[attr-defined]
    assert address.startswith("Адрес: Москва, корпус 0") and address.endswith("…")
    assert stringWidth(address, REGULAR, 8) <= TEXT_WIDTH
    writer.finish()
    pages = [page.extract_text() for page in PdfReader(tmp_path / "d.pdf").pages]
    assert all(address in text for text in pages)
    assert "ТВ-пакет: 1" in pages[-1]
