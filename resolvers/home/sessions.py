"""Which contract each session signed in with a contract's login reaches, for the list of
sessions (one statement, only when there is one)."""

from __future__ import annotations

from collections.abc import Sequence

from models import HomeContract, Session


async def contract_numbers_of(sessions: Sequence[Session]) -> dict[int, str]:
    """line id -> contract number, for the sessions that reach one line."""
    line_ids = {s.line_id for s in sessions if s.line_id is not None}  # type: ignore[attr-defined]
    if not line_ids:
        return {}
    rows = await HomeContract.filter(line_id__in=line_ids).values_list("line_id", "contract_number")
    return dict(rows)  # type: ignore[arg-type]
