"""What a session opened with a home contract's login may do (pure policy).

It reaches its one contract only (the reach is narrowed to it, at FULL at most: no grants to
give, no family tree); on top of that, only these mutations run in it. Everything else a
subscriber may do (their profile, password, cards, linking, access requests, other lines)
needs a session opened with their phone.
"""

from __future__ import annotations

from permissions.levels import Level
from permissions.viewer import Viewer

# The most a contract session holds on its contract: FULL, as the contract's user would.
CONTRACT_SESSION_LEVEL = Level.FULL

CONTRACT_SESSION_MUTATIONS = frozenset(
    {
        # the contract itself, located through the narrowed reach
        "changeTariff",
        "cancelTariffChange",
        "connectService",
        "disconnectService",
        "blockNumber",
        "unblockNumber",
        "topUp",
        "takeTrustPayment",
        "removeAutopay",  # not setAutopay: it pays with the holder's saved card
        "exportUsage",
        "setMonthlyDetailEmail",
        "createSupportTicket",
        "addTicketMessage",
        "closeSupportTicket",
        "setContractPassword",
        # the session itself
        "refreshSession",
        "signOut",
    }
)


def is_contract_session(viewer: Viewer) -> bool:
    return viewer.line_id is not None


def contract_session_may(viewer: Viewer, mutation: str) -> bool:
    return not is_contract_session(viewer) or mutation in CONTRACT_SESSION_MUTATIONS
