"""On whose behalf a viewer acts on a number: recorded with every operation. No I/O."""

from __future__ import annotations

from models.operations import ActorRole
from permissions.levels import Level
from permissions.viewer import Viewer


def actor_role(viewer: Viewer, level: Level, is_user: bool) -> ActorRole:
    """A partner app acts through its grant; an owner up the tree as the owner, even on a
    number they also use; the number's user as its user; anyone else through a grant."""
    if viewer.is_partner:
        return ActorRole.PARTNER_APP
    if level is Level.OWNER:
        return ActorRole.OWNER
    if is_user:
        return ActorRole.NUMBER_USER
    return ActorRole.DELEGATE
