"""Who may read and write a number's support tickets. No I/O.

A ticket is about a number, and everyone who sees everything on the number sees its
tickets: FULL or OWNER (the owner up the tree, the number's user, FULL delegates), so the
owner reads a ticket a delegate wrote, and the delegate the owner's. A partner app needs
`numbers:read` to read them and `manage` to write. TOPUP and below: the tickets do not
exist for them (NOT_FOUND).
"""

from __future__ import annotations

from permissions.levels import MANAGE, SEE_NUMBERS, Level, allows
from permissions.viewer import Viewer

TICKETS_NEED = Level.FULL


def can_read_tickets(viewer: Viewer, level: Level) -> bool:
    return allows(viewer, level, TICKETS_NEED, SEE_NUMBERS)


def can_write_tickets(viewer: Viewer, level: Level) -> bool:
    return allows(viewer, level, TICKETS_NEED, SEE_NUMBERS) and allows(
        viewer, level, TICKETS_NEED, MANAGE
    )
