"""The right object type for a line's row: Number for a phone number, HomeContract for a
home contract."""

from __future__ import annotations

from permissions.viewer import Viewer
from resolvers.reach import NumberRow, Reach
from schema.types.home_contract import HomeContract
from schema.types.line import Line
from schema.types.number import Number


def line_of(row: NumberRow, reach: Reach, viewer: Viewer) -> Line:
    kind = HomeContract if row.home is not None else Number
    return kind.of(row, reach, viewer)


def number_of(row: NumberRow | None, reach: Reach, viewer: Viewer) -> Number | None:
    """The row as a Number, or None when it is a home contract (or missing): for the fields
    typed Number that predate home contracts (their `line` sibling answers both)."""
    return Number.of(row, reach, viewer) if row is not None and row.home is None else None
