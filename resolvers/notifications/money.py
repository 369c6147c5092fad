"""What a balance move tells the number's people, inside the move's transaction: a top-up
(TOPUPS), a fee or usage charge (CHARGES), and a debit that takes the balance below
someone's threshold (LOW_BALANCE).

Who hears of a number's money: its user and the owner of its account, and anyone else who
set a low-balance threshold on it while holding an active FULL grant (a delegate). The
user and the owner have a default threshold until they set their own."""

from __future__ import annotations

from dataclasses import dataclass

from models import LedgerEntry, LedgerKind, NotificationTopic
from resolvers.money.amounts import to_decimal
from resolvers.notifications.outbox import notify, notify_all
from resolvers.sql import fetch_all

# 50.00 RUB: low enough not to nag, high enough to top up before calls stop.
DEFAULT_LOW_BALANCE_THRESHOLD = 5000

_TOPICS = {
    LedgerKind.TOPUP: NotificationTopic.TOPUPS,
    LedgerKind.FEE: NotificationTopic.CHARGES,
    LedgerKind.CHARGE: NotificationTopic.CHARGES,
}

_NUMBER_SQL = (
    "SELECT n.msisdn, h.contract_number, n.user_id, a.owner_id FROM numbers n "
    "JOIN accounts a ON a.id = n.account_id "
    "LEFT JOIN home_contracts h ON h.line_id = n.id WHERE n.id = ?"
)


@dataclass(frozen=True)
class MoneyTexts:
    """What a balance move says, for one kind of line ({line}: the msisdn or the contract
    number)."""

    topup_subject: str
    topup: str
    charge_subject: str
    charge: str
    low_subject: str
    low: str


NUMBER_TEXTS = MoneyTexts(
    topup_subject="Пополнение баланса {line}",
    topup="Баланс номера {line} пополнен на {amount}. Баланс: {balance}.",
    charge_subject="Списание с номера {line}",
    charge="С номера {line} списано {amount}: {reason}. Баланс: {balance}.",
    low_subject="Низкий баланс на {line}",
    low="Баланс номера {line}: {after}, ниже порога {threshold}. "
    "Пополните счёт, чтобы связь не прервалась.",
)
# A home contract has no phone: its holder and user hear of it on their own.
CONTRACT_TEXTS = MoneyTexts(
    topup_subject="Пополнение баланса договора {line}",
    topup="Баланс договора {line} пополнен на {amount}. Баланс: {balance}.",
    charge_subject="Списание по договору {line}",
    charge="По договору {line} списано {amount}: {reason}. Баланс: {balance}.",
    low_subject="Низкий баланс по договору {line}",
    low="Баланс договора {line}: {after}, ниже порога {threshold}. "
    "Пополните счёт, чтобы домашний интернет и ТВ не отключились.",
)
# Thresholds set on the number, each with whether its subscriber still holds FULL on it
# through a grant (the user and the owner need none).
_THRESHOLDS_SQL = """
SELECT t.subscriber_id, t.amount,
  EXISTS (SELECT 1 FROM access_grants g
          WHERE g.number_id = t.number_id AND g.grantee_subscriber_id = t.subscriber_id
            AND g.level = 'FULL' AND g.revoked_at IS NULL
            AND (g.expires_at IS NULL OR g.expires_at > ?)) AS has_full_grant
FROM low_balance_thresholds t WHERE t.number_id = ?
"""


def rubles(minor_units: int, currency: str) -> str:
    return f"{to_decimal(minor_units, currency)} {'₽' if currency == 'RUB' else currency}"


async def balance_moved(entry: LedgerEntry) -> None:
    """Call right after `ledger.post` wrote `entry`, in the same transaction."""
    topic = _TOPICS.get(entry.kind)
    if topic is None and entry.amount >= 0:
        return  # trust credits, refunds, adjustments: nothing to tell by default
    rows = await fetch_all(_NUMBER_SQL, [entry.number_id])
    if not rows:
        return
    row = rows[0]
    user_id, owner_id = row["user_id"], row["owner_id"]
    is_home = row["contract_number"] is not None
    texts = CONTRACT_TEXTS if is_home else NUMBER_TEXTS
    line = row["contract_number"] if is_home else row["msisdn"]
    people = [owner_id] + ([user_id] if user_id not in (None, owner_id) else [])
    amount, balance = (
        rubles(abs(entry.amount), entry.currency),
        rubles(entry.balance_after, entry.currency),
    )
    if topic is NotificationTopic.TOPUPS:
        await notify_all(
            people,
            topic,
            texts.topup_subject.format(line=line),
            texts.topup.format(line=line, amount=amount, balance=balance),
            number_id=entry.number_id,
        )
    elif topic is NotificationTopic.CHARGES:
        await notify_all(
            people,
            topic,
            texts.charge_subject.format(line=line),
            texts.charge.format(line=line, amount=amount, reason=entry.reason, balance=balance),
            number_id=entry.number_id,
        )
    if entry.amount < 0:
        await _low_balance(entry, texts, line, people)


async def _low_balance(entry: LedgerEntry, texts: MoneyTexts, line: str, people: list[int]) -> None:
    before, after = entry.balance_after - entry.amount, entry.balance_after
    thresholds = dict.fromkeys(people, DEFAULT_LOW_BALANCE_THRESHOLD)
    # A grant live when the money moved (the posting's time: the services' clock).
    for row in await fetch_all(_THRESHOLDS_SQL, [entry.created_at, entry.number_id]):
        if row["subscriber_id"] in thresholds or row["has_full_grant"]:
            thresholds[row["subscriber_id"]] = int(row["amount"])
    for person, threshold in thresholds.items():
        if before >= threshold > after:  # crossed by this debit: once, not on every call
            await notify(
                person,
                NotificationTopic.LOW_BALANCE,
                texts.low_subject.format(line=line),
                texts.low.format(
                    line=line,
                    after=rubles(after, entry.currency),
                    threshold=rubles(threshold, entry.currency),
                ),
                number_id=entry.number_id,
            )
