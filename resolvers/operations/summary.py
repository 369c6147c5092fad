"""A record's summary in words, in Russian like the rest of what subscribers read, made at
read time from the record's details and the catalogue (read once per request): «Смена
тарифа: Семейный → Смарт», «Пополнение 500,00 ₽».

A summary names no person and no app: who acted is told by the record's actor fields,
which show a person only to those who may see them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from resolvers.catalog import Catalogue

Details = Mapping[str, Any]
LEVELS = {"FULL": "полный доступ", "TOPUP": "доступ на пополнение", "OWNER": "доступ владельца"}


def rubles(minor: int | None) -> str:
    """1234567 -> «12 345,67 ₽» (a space between thousands, a comma before kopecks)."""
    value = int(minor or 0)
    sign = "−" if value < 0 else ""
    whole, kopecks = divmod(abs(value), 100)
    return f"{sign}{whole:,}".replace(",", " ") + f",{kopecks:02d} ₽"


def needs_catalogue(kind: str) -> bool:
    """Only tariff and service names come from the catalogue: other records are told
    without loading it."""
    return kind in _NAMED_FROM_CATALOGUE


def names_the_line(kind: str) -> bool:
    """Whether the words say «номер» or «договор», after the kind of line it was made on."""
    return kind in _CONTRACT_TITLES


def summary(
    kind: str, details: Details, catalogue: Catalogue | None, on_contract: bool = False
) -> str:
    write = _WRITERS.get(kind)
    if write is None:
        titles = _CONTRACT_TITLES if on_contract and kind in _CONTRACT_TITLES else _TITLES
        return titles.get(kind, f"Операция {kind}")
    assert catalogue is not None or not needs_catalogue(kind), "load the catalogue first"
    return write(details, catalogue)  # type: ignore[arg-type]


def _name(rows: Mapping[int, dict[str, Any]], row_id: Any, what: str) -> str:
    row = rows.get(row_id) if row_id is not None else None
    return f"«{row['name']}»" if row else f"{what} (нет в каталоге)"


def _tariff_change(details: Details, catalogue: Catalogue) -> str:
    tariffs = catalogue.tariffs
    text = (
        f"Смена тарифа: {_name(tariffs, details.get('from_tariff_id'), 'тариф')} → "
        f"{_name(tariffs, details.get('tariff_id'), 'тариф')}"
    )
    if details.get("effective") == "NEXT_PERIOD":
        text += " со следующего периода"
    dropped = details.get("dropped_service_ids") or []
    if dropped:
        names = ", ".join(_name(catalogue.services, sid, "услуга") for sid in dropped)
        text += f", отключены: {names}"
    return text


def _service(verb: str) -> Callable[[Details, Catalogue], str]:
    def write(details: Details, catalogue: Catalogue) -> str:
        return f"{verb} услуги {_name(catalogue.services, details.get('service_id'), 'услуга')}"

    return write


def _money(title: str) -> Callable[[Details, Catalogue], str]:
    def write(details: Details, _catalogue: Catalogue) -> str:
        return f"{title} {rubles(details.get('amount'))}"

    return write


def _trust(details: Details, _catalogue: Catalogue) -> str:
    amount, fee = rubles(details.get("amount")), rubles(details.get("fee"))
    return f"Доверительный платёж {amount}, комиссия {fee}"


def _level(details: Details) -> str:
    return LEVELS.get(str(details.get("level")), "доступ")


def _grant(details: Details, _catalogue: Catalogue) -> str:
    if details.get("source") == "LINK":
        return f"Номер привязан: {_level(details)}"
    whom = "приложению" if details.get("grantee") == "partner" else "абоненту"
    text = f"Выдан {_level(details)} {whom}"
    limit = details.get("topup_monthly_limit")
    return f"{text}, до {rubles(limit)} в месяц" if limit else text


def _revoke(details: Details, _catalogue: Catalogue) -> str:
    if details.get("source") == "LINK":
        return "Привязка номера снята"
    whom = "у приложения" if details.get("grantee") == "partner" else "у абонента"
    return f"Отозван {_level(details)} {whom}"


def _asked(title: str) -> Callable[[Details, Catalogue], str]:
    def write(details: Details, _catalogue: Catalogue) -> str:
        return f"{title}: {_level(details)}"

    return write


def _denied(details: Details, _catalogue: Catalogue) -> str:
    text = f"Запрос доступа отклонён: {_level(details)}"
    return f"{text}, запросы этого абонента заблокированы" if details.get("blocked") else text


_WRITERS: dict[str, Callable[[Details, Catalogue], str]] = {
    "TARIFF_CHANGE": _tariff_change,
    "SERVICE_CONNECT": _service("Подключение"),
    "SERVICE_DISCONNECT": _service("Отключение"),
    "TOPUP": _money("Пополнение"),
    "AUTOPAY": _money("Автоплатёж"),
    "TRUST_PAYMENT": _trust,
    "GRANT": _grant,
    "GRANT_REVOKE": _revoke,
    "ACCESS_REQUEST": _asked("Запрос доступа"),
    "ACCESS_REQUEST_APPROVE": _asked("Запрос доступа одобрен"),
    "ACCESS_REQUEST_DENY": _denied,
    "ACCESS_REQUEST_WITHDRAW": _asked("Запрос доступа отозван"),
}
_NAMED_FROM_CATALOGUE = frozenset({"TARIFF_CHANGE", "SERVICE_CONNECT", "SERVICE_DISCONNECT"})
# Kinds whose words need no details (blocks and the rest are written by other parts).
_TITLES = {
    "BLOCK": "Блокировка номера",
    "UNBLOCK": "Разблокировка номера",
    "ACCESS_REQUESTS_FORBID": "Запросы доступа к номеру запрещены",
    "ACCESS_REQUESTS_ALLOW": "Запросы доступа к номеру разрешены",
}
_CONTRACT_TITLES = {
    "BLOCK": "Блокировка договора",
    "UNBLOCK": "Разблокировка договора",
    "ACCESS_REQUESTS_FORBID": "Запросы доступа к договору запрещены",
    "ACCESS_REQUESTS_ALLOW": "Запросы доступа к договору разрешены",
}
