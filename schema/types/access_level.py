from __future__ import annotations

from enum import Enum

import strawberry

from permissions.levels import Level


@strawberry.enum(description="A viewer's access to a number, highest first.")
class AccessLevel(Enum):
    OWNER = "OWNER"
    FULL = "FULL"
    TOPUP = "TOPUP"
    NONE = "NONE"

    @classmethod
    def of(cls, level: Level) -> AccessLevel:
        return cls[level.name]

    def to_level(self) -> Level:
        return Level[self.name]


@strawberry.enum(description="The levels an owner can grant.")
class GrantLevel(Enum):
    FULL = "FULL"
    TOPUP = "TOPUP"
