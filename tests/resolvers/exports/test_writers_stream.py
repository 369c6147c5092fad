"""The writers keep nothing per record: doubling the records leaves CSV's and XLSX's peak
memory where it was, and PDF's grows with the compressed pages only (finished pages are
kept compressed until the document is saved). Memory, not time: measured with tracemalloc."""

import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from models import ExportFormat, UsageDirection, UsageKind
from resolvers.exports.writers import DetailHeading, open_writer
from resolvers.usage_detail import KindTotal, UsageRow

HEADING = DetailHeading(
    line_title="номера +79990000001",
    owner_name="Анна Петровна Смирнова",
    since=datetime(2026, 1, 1, tzinfo=UTC),
    until=datetime(2027, 1, 1, tzinfo=UTC),
    zone=ZoneInfo("Europe/Moscow"),
    zone_name="Europe/Moscow",
    totals=[KindTotal(UsageKind.CALL, 1, 60, 0, 150, "RUB")],
)
RECORDS = 2500
BATCH = 500


def batches(count: int):
    end = datetime(2026, 12, 31, tzinfo=UTC)
    for first in range(0, count, BATCH):
        yield [
            UsageRow(
                i,
                UsageKind.CALL if i % 2 else UsageKind.DATA,
                UsageDirection.OUT,
                "+79161234567" if i % 2 else "internet",
                end - timedelta(minutes=i),
                60 + i % 300,
                None if i % 2 else 1_000_000 + i,
                150,
                "RUB",
                None,
            )
            for i in range(first, min(count, first + BATCH))
        ]


def peak_while_writing(format: ExportFormat, path: Path, count: int) -> tuple[int, int]:
    """(peak traced bytes while writing, the file's size)."""
    tracemalloc.start()
    try:
        writer = open_writer(format, path, HEADING)
        tracemalloc.reset_peak()
        for batch in batches(count):
            writer.write(batch)
        writer.finish()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, path.stat().st_size


@pytest.mark.parametrize("format", list(ExportFormat))
def test_a_writer_holds_no_more_for_twice_the_records(format, tmp_path):
    peak_while_writing(format, tmp_path / "warm-up", 10)  # fonts, imports, caches
    peak, size = peak_while_writing(format, tmp_path / "one", RECORDS)
    peak_twice, size_twice = peak_while_writing(format, tmp_path / "two", 2 * RECORDS)
    grew = peak_twice - peak
    if format is ExportFormat.PDF:
        assert grew < 2 * (size_twice - size), (peak, peak_twice, size, size_twice)
    else:
        assert grew < (size_twice - size) // 4, (peak, peak_twice, size, size_twice)
