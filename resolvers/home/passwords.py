"""A home contract's password: set by whoever manages the contract (FULL on it), held to the
subscribers' password policy; setting it ends the contract's other sessions."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from models import HomeContract, Session
from permissions.viewer import Viewer
from resolvers import audit
from resolvers.identity.password_policy import check_new_password
from resolvers.identity.passwords import hash_password
from resolvers.identity.sessions import revoke_sessions
from resolvers.reach import NumberRow
from resolvers.services import Services


async def set_contract_password(
    services: Services, viewer: Viewer, line: NumberRow, new_password: str, ip: str
) -> int:
    """Stores the new hash; returns how many of the contract's other sessions were ended."""
    assert line.home is not None, "located by its contract number"
    check_new_password(new_password, line.home.contract_number, "the contract number")
    password_hash = await hash_password(new_password)
    # One transaction: the old password's sessions end with it.
    async with in_transaction():
        await HomeContract.filter(line_id=line.id).update(password_hash=password_hash)
        others = Session.filter(line_id=line.id, revoked_at=None)
        if viewer.session_id is not None:
            others = others.exclude(id=viewer.session_id)
        revoked = await revoke_sessions(
            services,
            list(await others.values_list("id", flat=True)),
            reason="contract_password_changed",
            ip=ip,
        )
    await audit.record(
        "contract_password_set",
        "ok",
        at=services.clock(),
        subscriber_id=viewer.subscriber_id,
        ip=ip,
        detail=f"contract {line.home.contract_number}",
    )
    return revoked
