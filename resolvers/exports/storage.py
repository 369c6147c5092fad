"""Where finished export files live: a port, so that several gateway hosts can serve files
a worker on another host wrote. The local folder adapter is in gateway/export_storage.py; an
object store adapter (S3 and the like) takes the same four calls: put a finished file under
a key, tell its size, read it back in chunks, delete it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Protocol


class ExportStorage(Protocol):
    description: str  # where the files are, for the start-up log

    async def put(self, key: str, source: Path) -> None:
        """Stores a finished local file under `key`, whole or not at all; `source` is
        gone afterwards."""

    async def size(self, key: str) -> int | None:
        """The stored file's size in bytes; None when there is no such file."""

    def read(self, key: str) -> AsyncIterator[bytes]:
        """The stored file in chunks (raises FileNotFoundError when it is gone)."""

    async def delete(self, key: str) -> None:
        """Removes the file; a missing one is not an error."""


@dataclass(frozen=True)
class Exports:
    """What the export jobs and the download route share in a process (README, "Settings")."""

    storage: ExportStorage
    spool: Path  # a local folder where files are written before they are stored
    link_ttl: timedelta = timedelta(hours=1)  # EXPORT_LINK_TTL
    retention: timedelta = timedelta(days=7)  # EXPORT_RETENTION
    lease: timedelta = timedelta(minutes=2)  # EXPORT_JOB_LEASE: a silent worker's job is retried
