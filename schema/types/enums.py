from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry


def mirror_enum(stored: type[Enum], description: str | None = None, name: str | None = None) -> Any:
    """The GraphQL enum of a stored (or resolver's) one, made from it: a kind or status
    added there is in the schema too, never a ValueError when a row is read. `name` when
    the schema's name is not the Python one."""
    return strawberry.enum(
        Enum(name or stored.__name__, {m.name: m.value for m in stored}),  # type: ignore[misc]
        description=description,
    )
