"""Everything a viewer can reach, loaded once per request in a fixed number of statements
whatever the size or depth of their trees:

1. the accounts they own and every account below them (one recursive query),
2. every number in those accounts, used by them or granted to them, with its balance,
   its tariff and their grants on it (one query).

Levels are then computed in memory (permissions/levels.py), once per number per request.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from permissions.contract_session import CONTRACT_SESSION_LEVEL
from permissions.levels import GrantFact, Level, level_on_number, visible_level
from permissions.viewer import Viewer
from resolvers.sql import as_datetime, fetch_rows

# One statement finds every number the viewer may reach, with its balance, its tariff and
# the viewer's live (unrevoked) grants on it: a number with several grants comes back once
# per grant. Expiry is judged in Python against the request's clock.
_REACHED_NUMBERS = """
SELECT n.id, n.kind, n.msisdn, n.label, n.account_id, n.user_id, n.tariff_id, n.status,
       n.accepts_access_requests, n.activated_at,
       n.block_reason, n.blocked_at, n.blocked_until,
       b.amount AS balance_amount, b.currency AS balance_currency,
       t.code AS t_code, t.name AS t_name, t.description AS t_description,
       t.monthly_fee AS t_monthly_fee, t.currency AS t_currency, t.minutes AS t_minutes,
       t.sms AS t_sms, t.data_mb AS t_data_mb, t.tags AS t_tags,
       t.is_archived AS t_is_archived, t.minute_price AS t_minute_price,
       t.sms_price AS t_sms_price, t.mb_price AS t_mb_price, t.segment AS t_segment,
       t.speed_mbps AS t_speed_mbps, t.tv_channels AS t_tv_channels,
       g.level AS grant_level, g.expires_at AS grant_expires_at, g.id AS grant_id,
       g.topup_monthly_limit AS grant_limit, g.spent AS grant_spent,
       h.contract_number, h.login AS h_login, h.address AS h_address,
       h.internet AS h_internet, h.tv AS h_tv, h.connected_at AS h_connected_at
FROM numbers n
LEFT JOIN balances b ON b.number_id = n.id
JOIN tariffs t ON t.id = n.tariff_id
LEFT JOIN home_contracts h ON h.line_id = n.id
LEFT JOIN granted g ON g.number_id = n.id
"""
# A capped TOPUP grant comes with what was paid through it this month (the same sum the
# top-up checks against its cap), so `canTopUp` can say false once the cap is used up.
_GRANTED = """granted AS (
  SELECT g.id, g.number_id, g.level, g.expires_at, g.topup_monthly_limit,
         CASE WHEN g.topup_monthly_limit IS NULL THEN NULL ELSE (
           SELECT COALESCE(SUM(p.amount), 0) FROM payments p
           WHERE p.grant_id = g.id AND p.created_at >= ?
             AND p.status IN ('PENDING', 'SUCCEEDED')
         ) END AS spent
  FROM access_grants g
  WHERE g.{grantee} = ? AND g.revoked_at IS NULL
)"""

# A subscriber's whole reach in one statement: every account they own (the closure below
# their top accounts), each joined with its numbers (an account without numbers still
# comes back, once, with null number columns), then the numbers they reach outside those
# accounts, as their user or through a grant, with null account columns.
_SUBSCRIBER_REACH_SQL = f"""
WITH RECURSIVE owned(id) AS (
  SELECT id FROM accounts WHERE owner_id = ?
  UNION
  SELECT a.id FROM accounts a JOIN owned o ON a.parent_id = o.id
),
{_GRANTED.format(grantee="grantee_subscriber_id")},
reached AS MATERIALIZED ({_REACHED_NUMBERS}
  WHERE n.account_id IN (SELECT id FROM owned)
     OR n.user_id = ?
     OR n.id IN (SELECT number_id FROM granted)
)
SELECT a.id AS a_id, a.name AS a_name, a.owner_id AS a_owner_id, a.parent_id AS a_parent_id,
       r.*
FROM accounts a LEFT JOIN reached r ON r.account_id = a.id
WHERE a.id IN (SELECT id FROM owned)
UNION ALL
SELECT NULL, NULL, NULL, NULL, r.*
FROM reached r WHERE r.account_id NOT IN (SELECT id FROM owned)
ORDER BY kind DESC, msisdn, contract_number
"""  # noqa: S608 (only our own constants are interpolated)
# A partner app owns no accounts and uses no number: its grants are its whole reach.
_PARTNER_REACH_SQL = f"""
WITH {_GRANTED.format(grantee="grantee_partner_id")}
{_REACHED_NUMBERS}
WHERE n.id IN (SELECT number_id FROM granted)
ORDER BY n.kind DESC, n.msisdn, h.contract_number
"""  # noqa: S608
_TARIFF_FIELDS = (
    "code",
    "name",
    "description",
    "monthly_fee",
    "currency",
    "minutes",
    "sms",
    "data_mb",
    "tags",
    "is_archived",
    "minute_price",
    "sms_price",
    "mb_price",
    "segment",
    "speed_mbps",
    "tv_channels",
)


# Lines are listed phone numbers first (by msisdn), then home contracts (by contract number):
# "MOBILE" sorts after "HOME", hence DESC.


class HomeRow(NamedTuple):
    """What a home contract adds to its line's row."""

    contract_number: str
    login: str
    address: str
    internet: bool
    tv: bool
    connected_at: datetime


# Rows are named tuples: immutable like frozen dataclasses, and several times cheaper to
# make (a reach makes one per number per request).
class NumberRow(NamedTuple):
    """A line: a phone number (kind MOBILE, msisdn set) or a home contract (kind HOME, `home`
    set, msisdn None)."""

    id: int
    msisdn: str | None
    label: str
    account_id: int
    user_id: int | None
    tariff_id: int
    status: str
    accepts_access_requests: bool
    balance_amount: int | None
    balance_currency: str | None
    tariff: dict[str, Any]  # the tariff's row, shared by every number on that tariff
    activated_at: datetime  # its billing period runs from this day of the month
    # The block in force while status is BLOCKED: VOLUNTARY or LOST, since, until (None: a
    # lost-SIM block, which holds until someone unblocks it).
    block_reason: str | None = None
    blocked_at: datetime | None = None
    blocked_until: datetime | None = None
    kind: str = "MOBILE"
    home: HomeRow | None = None

    @property
    def is_home(self) -> bool:
        return self.home is not None

    @property
    def contract_number(self) -> str | None:
        return self.home.contract_number if self.home is not None else None

    @property
    def name(self) -> str:
        """How people name the line: its msisdn, or its contract number."""
        return self.home.contract_number if self.home is not None else str(self.msisdn)

    @classmethod
    def from_sql(cls, row: Mapping[str, Any], tariffs: dict[int, dict[str, Any]]) -> NumberRow:
        tariff = tariffs.get(row["tariff_id"])
        if tariff is None:
            tariff = {"id": row["tariff_id"], **{f: row[f"t_{f}"] for f in _TARIFF_FIELDS}}
            if isinstance(tariff["tags"], str):  # JSON text on SQLite and raw asyncpg
                tariff["tags"] = json.loads(tariff["tags"])
            tariffs[row["tariff_id"]] = tariff
        return cls(
            tariff=tariff,
            id=row["id"],
            msisdn=row["msisdn"],
            label=row["label"],
            account_id=row["account_id"],
            user_id=row["user_id"],
            tariff_id=row["tariff_id"],
            status=row["status"],
            accepts_access_requests=bool(row["accepts_access_requests"]),
            balance_amount=row["balance_amount"],
            balance_currency=row["balance_currency"],
            activated_at=as_datetime(row["activated_at"]),  # type: ignore[arg-type]
            block_reason=row["block_reason"],
            blocked_at=as_datetime(row["blocked_at"]),
            blocked_until=as_datetime(row["blocked_until"]),
            kind=row["kind"],
            home=_home_row(row) if row["contract_number"] is not None else None,
        )


def _home_row(row: Mapping[str, Any]) -> HomeRow:
    return HomeRow(
        contract_number=row["contract_number"],
        login=row["h_login"],
        address=row["h_address"],
        internet=bool(row["h_internet"]),
        tv=bool(row["h_tv"]),
        connected_at=as_datetime(row["h_connected_at"]),  # type: ignore[arg-type]
    )


class AccountRow(NamedTuple):
    id: int
    name: str
    owner_id: int
    parent_id: int | None


@dataclass
class Reach:
    accounts: dict[int, AccountRow] = field(default_factory=dict)
    numbers: dict[int, NumberRow] = field(default_factory=dict)
    levels: dict[int, Level] = field(default_factory=dict)
    # Before scope capping: what the grants alone allow (a partner may top up without
    # `numbers:read`).
    base_levels: dict[int, Level] = field(default_factory=dict)
    numbers_by_account: dict[int, list[NumberRow]] = field(default_factory=dict)
    children_by_account: dict[int, list[AccountRow]] = field(default_factory=dict)
    by_msisdn: dict[str, NumberRow] = field(default_factory=dict)
    by_contract_number: dict[str, NumberRow] = field(default_factory=dict)
    # Numbers the viewer reaches at TOPUP through a grant whose monthly cap leaves less
    # than the smallest top-up.
    top_up_cap_used: set[int] = field(default_factory=set)
    # What the schema made of these rows for this request (schema/types), by (type, id):
    # a number reached by two paths of one query is made once.
    views: dict[tuple[type, int], Any] = field(default_factory=dict)

    @property
    def root_accounts(self) -> list[AccountRow]:
        """Owned accounts whose parent the viewer does not own: the tops of their trees."""
        return [a for a in self.accounts.values() if a.parent_id not in self.accounts]

    def level(self, number_id: int) -> Level:
        return self.levels.get(number_id, Level.NONE)

    def visible_lines(self) -> list[NumberRow]:
        """Every line the viewer sees (TOPUP or above): phone numbers, then home contracts."""
        return [n for n in self.numbers.values() if self.levels[n.id] > Level.NONE]

    def visible_numbers(self) -> list[NumberRow]:
        """The phone numbers among them."""
        return [n for n in self.visible_lines() if n.home is None]


def month_start(now: datetime) -> datetime:
    """The first instant of `now`'s month: where every monthly cap starts counting (a
    grant's top-ups, an autopay rule's, a number's spending limit)."""
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


async def load_reach(viewer: Viewer, now: datetime, smallest_top_up: int = 1) -> Reach:
    """The viewer's reach in one statement."""
    if viewer.is_anonymous:
        return Reach()
    since = month_start(now)
    if viewer.subscriber_id is not None:
        who = viewer.subscriber_id
        sql, params = _SUBSCRIBER_REACH_SQL, [who, since, who, who]
    else:
        sql, params = _PARTNER_REACH_SQL, [since, viewer.partner_app_id]
    accounts: dict[int, AccountRow] = {}
    numbers: dict[int, NumberRow] = {}
    grants: list[GrantFact] = []
    # number id -> (grant id, what its cap leaves, None uncapped) of its live TOPUP grants
    topup_grants: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    tariffs: dict[int, dict[str, Any]] = {}
    for row in await fetch_rows(sql, params):
        account_id = row.get("a_id")
        if account_id is not None and account_id not in accounts:
            accounts[account_id] = AccountRow(
                account_id, row["a_name"], row["a_owner_id"], row["a_parent_id"]
            )
        if row["id"] is None:
            continue  # an owned account without numbers
        if row["id"] not in numbers:
            numbers[row["id"]] = NumberRow.from_sql(row, tariffs)
        if row["grant_level"] is not None:
            expires_at = as_datetime(row["grant_expires_at"])
            grants.append(GrantFact(row["id"], Level[row["grant_level"]], expires_at, None))
            live = expires_at is None or expires_at > now
            if live and row["grant_level"] == "TOPUP":
                limit, spent = row["grant_limit"], row["grant_spent"]
                left = None if limit is None else int(limit) - int(spent)
                topup_grants[row["id"]].append((row["grant_id"], left))
    ordered = [accounts[key] for key in sorted(accounts)]
    reach = _assemble(viewer, ordered, grants, list(numbers.values()), now)
    if viewer.line_id is not None:
        reach = _narrowed(reach, viewer.line_id)
    for number_id, caps in topup_grants.items():
        # A top-up pays through the newest live TOPUP grant (resolvers/money/topups.py).
        _, left = max(caps, key=lambda cap: cap[0])
        at_topup = reach.base_levels.get(number_id) is Level.TOPUP
        if at_topup and left is not None and left < smallest_top_up:
            reach.top_up_cap_used.add(number_id)
    return reach


def _narrowed(reach: Reach, line_id: int) -> Reach:
    """A contract session's reach: its one line, at FULL at most, and no account (so no
    family tree, no other line, no grants to give): the holder's reach cut down, so the
    line is reached as before or not at all (a contract moved away)."""
    row = reach.numbers.get(line_id)
    if row is None:
        return Reach()
    narrow = Reach()
    narrow.numbers[row.id] = row
    narrow.levels[row.id] = min(reach.levels[row.id], CONTRACT_SESSION_LEVEL)
    narrow.base_levels[row.id] = min(reach.base_levels[row.id], CONTRACT_SESSION_LEVEL)
    if row.home is not None:
        narrow.by_contract_number[row.home.contract_number] = row
    # top_up_cap_used is worked out after narrowing (load_reach), on the narrowed levels.
    return narrow


def _assemble(
    viewer: Viewer,
    accounts: list[AccountRow],
    grants: list[GrantFact],
    numbers: list[NumberRow],
    now: datetime,
) -> Reach:
    reach = Reach(accounts={a.id: a for a in accounts})
    grants_by_number: dict[int, list[GrantFact]] = defaultdict(list)
    for grant in grants:
        grants_by_number[grant.number_id].append(grant)
    for account in accounts:
        reach.numbers_by_account.setdefault(account.id, [])
        if account.parent_id in reach.accounts:
            reach.children_by_account.setdefault(account.parent_id, []).append(account)
    for number in numbers:
        level = level_on_number(
            owns_account=number.account_id in reach.accounts,
            is_user=viewer.subscriber_id is not None and number.user_id == viewer.subscriber_id,
            grants=grants_by_number.get(number.id, ()),
            now=now,
        )
        reach.numbers[number.id] = number
        reach.base_levels[number.id] = level
        reach.levels[number.id] = visible_level(viewer, level)
        if number.home is not None:
            reach.by_contract_number[number.home.contract_number] = number
        elif number.msisdn is not None:
            reach.by_msisdn[number.msisdn] = number
        if number.account_id in reach.accounts:
            reach.numbers_by_account[number.account_id].append(number)
    return reach
