"""Locators for @access on mutations: which line do the arguments name?

A mutation names a line by `msisdn` or `contractNumber` (exactly one), as arguments or in
its `input`."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from resolvers.context import RequestContext
from resolvers.home.naming import LineName, find_line, line_name
from resolvers.reach import NumberRow

Info = strawberry.Info[RequestContext, None]


def name_in(kwargs: dict[str, Any]) -> LineName:
    """The checked name in `msisdn:`/`contractNumber:` or `input: { msisdn contractNumber }`."""
    holder = kwargs.get("input")
    if holder is not None:
        return line_name(holder.msisdn, getattr(holder, "contract_number", None))
    return line_name(kwargs.get("msisdn"), kwargs.get("contract_number"))


async def line_named(info: Info, kwargs: dict[str, Any]) -> int | None:
    """The line the arguments name, if the viewer reaches it at all."""
    reach = await info.context.loaders.reach()
    row = find_line(reach, name_in(kwargs))
    return row.id if row else None


async def located(info: Info, msisdn: str | None, contract_number: str | None) -> NumberRow:
    """The line a mutation's body acts on, after `@access` has found and checked it."""
    reach = await info.context.loaders.reach()
    row = find_line(reach, line_name(msisdn, contract_number))
    assert row is not None, "@access has checked it"
    return row


MSISDN_HELP = "The phone number (E.164); or give contractNumber instead."
CONTRACT_HELP = "The home contract's number; or give msisdn instead."
# A mutation's arguments naming its line (both optional, exactly one given).
LineMsisdn = Annotated[str | None, strawberry.argument(description=MSISDN_HELP)]
LineContractNumber = Annotated[str | None, strawberry.argument(description=CONTRACT_HELP)]


def msisdn_field() -> Any:
    """An input's `msisdn`, beside `contract_number_field()`."""
    return strawberry.field(default=None, description=MSISDN_HELP)


def contract_number_field() -> Any:
    return strawberry.field(default=None, description=CONTRACT_HELP)
