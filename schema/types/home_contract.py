"""A home internet and/or TV contract (договор): a Line like a phone number, named by its
contract number instead of an msisdn."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from models.catalog import TV_PACKAGE
from permissions.levels import SEE_NUMBERS
from resolvers.context import RequestContext
from resolvers.reach import NumberRow
from schema.directives import access_field
from schema.types.access_level import AccessLevel
from schema.types.line import ConnectedService, Line, connected_services

Info = strawberry.Info[RequestContext, None]
FULL = AccessLevel.FULL


@strawberry.type(description="A home internet and/or TV contract (договор) the viewer can reach.")
class HomeContract(Line):
    contract_number: str = strawberry.field(description="The contract's number: digits only.")
    # A TOPUP viewer pays into a contract by its number and sees no more than that, as on
    # a phone number (whose msisdn they see): where it is and what it has are FULL's.
    address_value: strawberry.Private[str]
    internet_value: strawberry.Private[bool]
    tv_value: strawberry.Private[bool]
    login_value: strawberry.Private[str]

    @classmethod
    def own_fields(cls, row: NumberRow) -> dict[str, Any]:
        home = row.home
        assert home is not None, "a HomeContract is made from a HOME line"
        return {
            "contract_number": home.contract_number,
            "address_value": home.address,
            "internet_value": home.internet,
            "tv_value": home.tv,
            "login_value": home.login,
        }

    @access_field(FULL, scope=SEE_NUMBERS, description="Where the service is delivered.")
    def address(self) -> str | None:
        return self.address_value

    @access_field(FULL, scope=SEE_NUMBERS, description="Whether home internet is included.")
    def internet(self) -> bool | None:
        return self.internet_value

    @access_field(FULL, scope=SEE_NUMBERS, description="Whether TV is included.")
    def tv(self) -> bool | None:
        return self.tv_value

    @access_field(
        FULL,
        scope=SEE_NUMBERS,
        description="The login for signing in with the contract (signInWithContract), as issued.",
    )
    def login(self) -> str | None:
        return self.login_value

    @access_field(FULL, scope=SEE_NUMBERS, description="When the contract was connected.")
    def connected_at(self) -> datetime | None:
        assert self.row.home is not None
        return self.row.home.connected_at

    @access_field(FULL, scope=SEE_NUMBERS, description="The TV packages connected.")
    async def tv_packages(self, info: Info) -> list[ConnectedService] | None:
        connected = await connected_services(info, self.row.id)
        return [c for c in connected if c.service.category == TV_PACKAGE]
