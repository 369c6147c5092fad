"""The local folder adapter of the export storage port (resolvers/exports/storage.py):
files under EXPORT_STORAGE_DIR. Several gateway hosts can share it as a network folder; an
object store adapter would replace it without touching the jobs or the download route."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

CHUNK = 64 * 1024
# Keys are made by the jobs (`exports/<id>-<random>.<ext>`): never a path out of the folder.
_KEY = re.compile(r"[a-z]+/[0-9A-Za-z_.-]+")


class LocalFolderStorage:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.description = f"the folder {folder}"

    def _path(self, key: str) -> Path:
        if not _KEY.fullmatch(key) or ".." in key:
            raise ValueError(f"not an export storage key: {key!r}")
        return self.folder / key

    async def put(self, key: str, source: Path) -> None:
        target = self._path(key)

        def move() -> None:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".part")
            # A copy then a rename when the spool is on another file system: a reader never
            # sees half a file.
            with source.open("rb") as reading, partial.open("wb") as writing:
                while chunk := reading.read(CHUNK):
                    writing.write(chunk)
            partial.replace(target)
            source.unlink()

        await asyncio.to_thread(move)

    async def size(self, key: str) -> int | None:
        try:
            return (await asyncio.to_thread(self._path(key).stat)).st_size
        except FileNotFoundError:
            return None

    async def read(self, key: str) -> AsyncIterator[bytes]:
        file = await asyncio.to_thread(self._path(key).open, "rb")
        try:
            while chunk := await asyncio.to_thread(file.read, CHUNK):
                yield chunk
        finally:
            file.close()

    async def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            await asyncio.to_thread(self._path(key).unlink)
