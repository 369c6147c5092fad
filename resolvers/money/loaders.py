"""Per-request loaders of a number's trust payment and autopay rule: a fixed number of
statements for any number of numbers (a family page shows them for every child)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from models import TrustStatus
from resolvers.dataloader import ByNumberRowLoader, DataLoader
from resolvers.money import trust
from resolvers.sql import as_datetime, fetch_rows, in_keys, keys_param

Row = dict[str, Any]

# Each number's latest trust payment (what `current` shows) and any open one (which
# refuses a new offer): one row per number, or two when an older one is still open.
_TRUST_PAYMENTS = """
SELECT t.id, t.number_id, t.amount, t.fee, t.outstanding, t.currency, t.status,
       t.taken_at, t.due_at, t.repaid_at
FROM trust_payments t
WHERE {keys} AND (t.status = 'ACTIVE'
  OR t.id = (SELECT MAX(l.id) FROM trust_payments l WHERE l.number_id = t.number_id))
ORDER BY t.id
"""
_AUTOPAY_RULES = """
SELECT r.id, r.number_id, r.kind, r.amount, r.threshold, r.day_of_month, r.monthly_cap,
       r.armed, c.last4 AS card_last4
FROM autopay_rules r JOIN payment_cards c ON c.id = r.card_id
WHERE {keys}
"""


@dataclass(frozen=True)
class TrustState:
    eligibility: trust.Eligibility
    latest: Row | None  # the latest trust payment, with aware datetimes


def _trust_row(found: Mapping[str, Any]) -> Row:
    row = dict(found)
    for column in ("taken_at", "due_at", "repaid_at"):
        row[column] = as_datetime(row[column])
    return row


class TrustByNumberLoader(ByNumberRowLoader[TrustState]):
    """The offer (by trust.refusal and trust.offer_for, as a take decides it) and the latest
    trust payment: the trust payments in one statement, the spend of the numbers that get
    that far in another. The balance is the reach's, read with the rest of the request."""

    async def batch_load_fn(self, keys: list[int]) -> list[TrustState]:
        now = self.now()
        sql = _TRUST_PAYMENTS.format(keys=in_keys("t.number_id"))
        latest: dict[int, Row] = {}
        has_open: set[int] = set()
        for found in await fetch_rows(sql, [keys_param(keys)]):
            row = _trust_row(found)
            latest[row["number_id"]] = row  # ordered by id: the last one wins
            if row["status"] == TrustStatus.ACTIVE:
                has_open.add(row["number_id"])
        reasons = {
            key: trust.refusal(
                self.rows[key].activated_at, now, key in has_open, self.rows[key].balance_amount
            )
            for key in keys
        }
        asking = [key for key in keys if reasons[key] is None]
        spent = await trust.spent_by_number(asking, now) if asking else {}
        states = []
        for key in keys:
            reason = reasons[key]
            offer = trust.offer_for(spent.get(key, 0)) if reason is None else None
            states.append(TrustState(trust.Eligibility(offer, reason), latest.get(key)))
        return states


class AutopayByNumberLoader(DataLoader[int, Row | None]):
    """Each number's autopay rule with its card's last four digits, in one statement."""

    async def batch_load_fn(self, keys: list[int]) -> list[Row | None]:
        sql = _AUTOPAY_RULES.format(keys=in_keys("r.number_id"))
        by_number = {
            row["number_id"]: dict(row) for row in await fetch_rows(sql, [keys_param(keys)])
        }
        return [by_number.get(key) for key in keys]
