from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry


def mirror_enum(stored: type[Enum], description: str | None = None) -> Any:
    """The GraphQL enum of a stored one, made from it: a kind or status added to the model
    is in the schema too, never a ValueError when a row is read."""
    return strawberry.enum(
        Enum(stored.__name__, {m.name: m.value for m in stored}),  # type: ignore[misc]
        description=description,
    )
