"""Who is held by the limits an owner sets on a number, and what they refuse. No I/O."""

from __future__ import annotations

from models.operations import ActorRole


def held_by_limits(role: ActorRole) -> bool:
    """Only the number's user: the owner who set them (or any owner up the tree), a
    delegate with a FULL grant, a partner app and the system act on their own account."""
    return role is ActorRole.NUMBER_USER


def over_cap(cap: int | None, spent_this_month: int, amount: int) -> bool:
    """Whether debiting `amount` more would take the month's spending past the cap."""
    return cap is not None and amount > 0 and spent_this_month + amount > cap
