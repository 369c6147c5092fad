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


def actor_shown(
    viewer: Viewer,
    actor_id: int | None,
    role: ActorRole,
    level: Level,
    people_in_view: frozenset[int],
) -> bool:
    """Whether a record shows the viewer the person who acted: themselves; someone another
    path already shows them (an owner of an account in their reach, the user of a number
    they see at FULL); or, to the number's owner, anyone who acted on it but an owner up
    the tree above them (grantees and askers are in the owner's grants and requests).
    Everyone else sees only the role."""
    if actor_id is None:
        return False
    if actor_id == viewer.subscriber_id or actor_id in people_in_view:
        return True
    return level is Level.OWNER and role is not ActorRole.OWNER


def partner_shown(viewer: Viewer, partner_id: int | None, level: Level) -> bool:
    """The app that acted: to itself, and to the number's owner (who grants apps access)."""
    if partner_id is None:
        return False
    return partner_id == viewer.partner_app_id or level is Level.OWNER


def grant_shown(viewer: Viewer, actor_id: int | None, partner_id: int | None, level: Level) -> bool:
    """The grant acted through: to the number's owner, and to the grantee who acted."""
    if level is Level.OWNER:
        return True
    mine = actor_id is not None and actor_id == viewer.subscriber_id
    return mine or (partner_id is not None and partner_id == viewer.partner_app_id)
