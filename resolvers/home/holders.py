"""Whose a home contract is: its user, else the owner of the account that holds it."""

from __future__ import annotations

from models import Account, Number


async def holder_of(line: Number) -> int:
    if line.user_id is not None:
        return line.user_id
    owner_id = await Account.filter(id=line.account_id).first().values_list("owner_id", flat=True)
    assert owner_id is not None, "every line is in an account"
    return int(owner_id)
