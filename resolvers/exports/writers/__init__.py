"""The detail file writers: each is fed the records in batches (newest first) and keeps
nothing per record, so a file of any length is written in flat memory. They are plain
blocking code; the job runs each batch in a thread (resolvers/exports/jobs.py)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from models import ExportFormat
from resolvers.exports.writers import csv_file, pdf_file, xlsx_file
from resolvers.exports.writers.common import DetailHeading, DetailRow, KindTotal

__all__ = [
    "CONTENT_TYPES",
    "EXTENSIONS",
    "DetailHeading",
    "DetailRow",
    "DetailWriter",
    "KindTotal",
    "open_writer",
]


class DetailWriter(Protocol):
    def write(self, rows: Sequence[DetailRow]) -> None:
        """Appends records to the file."""

    def finish(self) -> None:
        """Writes the totals and closes the file, complete."""

    def close(self) -> None:
        """Gives up: releases what the writer holds (the file is thrown away)."""


CONTENT_TYPES = {
    ExportFormat.CSV: csv_file.CONTENT_TYPE,
    ExportFormat.XLSX: xlsx_file.CONTENT_TYPE,
    ExportFormat.PDF: pdf_file.CONTENT_TYPE,
}
EXTENSIONS = {ExportFormat.CSV: "csv", ExportFormat.XLSX: "xlsx", ExportFormat.PDF: "pdf"}
_WRITERS = {
    ExportFormat.CSV: csv_file.CsvDetailWriter,
    ExportFormat.XLSX: xlsx_file.XlsxDetailWriter,
    ExportFormat.PDF: pdf_file.PdfDetailWriter,
}


def open_writer(format: ExportFormat, path: Path, heading: DetailHeading) -> DetailWriter:
    return _WRITERS[format](path, heading)
