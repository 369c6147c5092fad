from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from resolvers.errors import Forbidden
from resolvers.identity.profile import OwnProfile

_ONLY_THEMSELF = "Only the subscriber sees their own settings."


@strawberry.type(description="A person who can sign in.")
class Subscriber(relay.Node):
    pk: relay.NodeID[int]
    phone: str
    full_name: str
    # Set only when the subscriber is the viewer (viewer.subscriber): the settings page.
    own: strawberry.Private[OwnProfile | None] = None
    used_numbers: strawberry.Private[list[str] | None] = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Subscriber:
        return cls(pk=row["id"], phone=row["phone"], full_name=row["full_name"])

    def _own(self) -> OwnProfile:
        if self.own is None:
            raise Forbidden(_ONLY_THEMSELF)
        return self.own

    @strawberry.field(
        description="Where e-mail notifications go; used only once confirmed. Only the "
        "subscriber themself sees it (FORBIDDEN for anyone else)."
    )
    def contact_email(self) -> str | None:
        return self._own().contact_email

    @strawberry.field(description="Whether contactEmail was confirmed with the code sent to it.")
    def contact_email_confirmed(self) -> bool | None:
        return self._own().contact_email_confirmed_at is not None

    @strawberry.field(description="When contactEmail was confirmed.")
    def contact_email_confirmed_at(self) -> datetime | None:
        return self._own().contact_email_confirmed_at

    @strawberry.field(
        description="A name to sign in with (signInWithPassword) instead of the phone number."
    )
    def login_alias(self) -> str | None:
        return self._own().login_alias

    @strawberry.field(
        description="The numbers (E.164) this subscriber uses day to day, in any account: "
        "Query.number(msisdn:) tells more. A list of strings rather than of Number, so that "
        "a Subscriber reached from a Number does not lead back into numbers."
    )
    def numbers_used(self) -> list[str] | None:
        self._own()
        return self.used_numbers or []
