"""aiodataloader's DataLoader, with every caller's wait shielded.

A loader hands the same future to every field that asks for the same key. When one field
fails, graphql-core cancels its siblings' tasks (their results are discarded), and
cancelling a task cancels the future it awaits: the shared one. Another field of the same
request, still awaiting that future on another branch, then failed with CancelledError, an
internal error to the client. Shielded, a cancelled caller leaves the load running for
the others."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

import aiodataloader

K = TypeVar("K")
V = TypeVar("V")


class DataLoader(aiodataloader.DataLoader[K, V]):
    def load(self, key: K) -> Awaitable[V]:  # type: ignore[override]
        return asyncio.shield(super().load(key))
