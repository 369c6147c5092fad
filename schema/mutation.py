from __future__ import annotations

import strawberry

from schema.mutations.identity import IdentityMutation


@strawberry.type
class Mutation(IdentityMutation):
    pass
