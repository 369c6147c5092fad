"""What a line's loader fields give for a whole list of lines at once: the `many` of each
batched resolver of `Line` and `Number` (schema/batched.py). Each takes the lines and the
request's context, hands every line's key to the request's loader in one call, and makes
the field's objects; the resolvers are these functions on a list of one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from models import LedgerKind as StoredKind
from resolvers.context import RequestContext
from resolvers.money import history
from schema.types.allowance import Allowance
from schema.types.payments import LedgerEntryConnection, LedgerKind, PaymentConnection
from schema.types.trust_autopay import Autopay, TrustPaymentState

if TYPE_CHECKING:
    from schema.types.line import Line


async def payments_of(
    lines: Sequence[Line],
    context: RequestContext,
    first: int = 20,
    after: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[PaymentConnection | None]:
    window = history.Window.checked(first, since, until)
    number_ids = [line.row.id for line in lines]
    pages = await history.payments_of(context.loaders, number_ids, window, after)
    return [PaymentConnection.from_page(page) for page in pages]


async def balance_history_of(
    lines: Sequence[Line],
    context: RequestContext,
    first: int = 20,
    after: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    kinds: list[LedgerKind] | None = None,
) -> list[LedgerEntryConnection | None]:
    stored = [StoredKind(kind.value) for kind in kinds] if kinds else None
    window = history.Window.checked(first, since, until, stored)
    number_ids = [line.row.id for line in lines]
    pages = await history.ledger_of(context.loaders, number_ids, window, after)
    return [LedgerEntryConnection.from_page(page) for page in pages]


async def trust_payment_of(
    lines: Sequence[Line], context: RequestContext
) -> list[TrustPaymentState | None]:
    states = await context.loaders.trust_by_number.load_rows([line.row for line in lines])
    now = context.services.clock()
    return [TrustPaymentState.of(state.eligibility, state.latest, now) for state in states]


async def autopay_of(lines: Sequence[Line], context: RequestContext) -> list[Autopay | None]:
    rules = await context.loaders.autopay_by_number.load_all([line.row.id for line in lines])
    return [Autopay.from_row(rule, rule["card_last4"]) if rule else None for rule in rules]


async def allowances_of(
    lines: Sequence[Line], context: RequestContext
) -> list[list[Allowance] | None]:
    found = await context.loaders.allowances_by_number.load_rows([line.row for line in lines])
    return [[Allowance.of(item) for item in items] for items in found]
