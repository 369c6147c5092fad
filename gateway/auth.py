"""Turns the `Authorization` header into a Viewer."""

from __future__ import annotations

from permissions.viewer import ANONYMOUS, Viewer


async def authenticate(authorization: str | None) -> Viewer:
    if not authorization:
        return ANONYMOUS
    return ANONYMOUS
