"""Locators for @access on mutations: which number do the arguments name?"""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers.context import RequestContext
from resolvers.identity.phones import normalise_phone

Info = strawberry.Info[RequestContext, None]


async def number_named(info: Info, kwargs: dict[str, Any]) -> int | None:
    """The number in `msisdn:` or `input: { msisdn }`, if the viewer reaches it at all."""
    raw = kwargs["input"].msisdn if "input" in kwargs else kwargs["msisdn"]
    reach = await info.context.loaders.reach()
    row = reach.by_msisdn.get(normalise_phone(raw))
    return row.id if row else None
