"""The demo tariff and service catalogues (prices in kopecks)."""

from __future__ import annotations

from typing import Any

TARIFFS: list[dict[str, Any]] = [
    {
        "code": "start",
        "name": "Старт",
        "description": "Для звонков: минуты внутри сети без ограничений.",
        "monthly_fee": 30000,
        "minutes": 300,
        "sms": 100,
        "data_mb": 5 * 1024,
        "tags": ["calls-within-network"],
        "minute_price": 300,
        "sms_price": 200,
        "mb_price": 100,
    },
    {
        "code": "smart",
        "name": "Смарт",
        "description": "Сбалансированный тариф для смартфона.",
        "monthly_fee": 55000,
        "minutes": 600,
        "sms": 300,
        "data_mb": 20 * 1024,
        "tags": ["internet", "calls-within-network"],
        "minute_price": 250,
        "sms_price": 200,
        "mb_price": 50,
    },
    {
        "code": "max",
        "name": "Максимум",
        "description": "Безлимитный интернет и много минут.",
        "monthly_fee": 120000,
        "minutes": 2000,
        "sms": 500,
        "data_mb": None,
        "tags": ["internet", "internet-heavy", "unlimited-internet"],
        "minute_price": 200,
        "sms_price": 150,
        "mb_price": 0,
    },
    {
        "code": "family",
        "name": "Семейный",
        "description": "Общий пакет для семьи: до 5 номеров в одном аккаунте.",
        "monthly_fee": 90000,
        "minutes": 1500,
        "sms": 500,
        "data_mb": 50 * 1024,
        "tags": ["family", "internet", "calls-within-network"],
        "minute_price": 250,
        "sms_price": 200,
        "mb_price": 50,
    },
    {
        "code": "kids",
        "name": "Детский",
        "description": "Для детей: звонки родителям и безопасный интернет.",
        "monthly_fee": 20000,
        "minutes": 200,
        "sms": 100,
        "data_mb": 10 * 1024,
        "tags": ["family", "kids", "calls-within-network"],
        "minute_price": 300,
        "sms_price": 200,
        "mb_price": 100,
    },
    {
        "code": "data-sim",
        "name": "Для планшета",
        "description": "Только интернет: для планшетов и модемов.",
        "monthly_fee": 40000,
        "minutes": 0,
        "sms": 0,
        "data_mb": 30 * 1024,
        "tags": ["internet", "data-only", "tablets"],
        "minute_price": 500,
        "sms_price": 300,
        "mb_price": 50,
    },
    {
        "code": "senior",
        "name": "Пенсионный",
        "description": "Минуты по стране и низкая абонентская плата.",
        "monthly_fee": 15000,
        "minutes": 500,
        "sms": 50,
        "data_mb": 1024,
        "tags": ["calls-within-network"],
        "minute_price": 200,
        "sms_price": 200,
        "mb_price": 200,
    },
    {
        # Archived: stays on the numbers that have it, cannot be chosen.
        "code": "classic",
        "name": "Классический",
        "description": "Архивный тариф: поминутная оплата и небольшой пакет.",
        "monthly_fee": 10000,
        "minutes": 100,
        "sms": 50,
        "data_mb": 512,
        "tags": ["calls-within-network"],
        "minute_price": 150,
        "sms_price": 150,
        "mb_price": 200,
        "is_archived": True,
    },
    # Home internet and TV: for home contracts only (segment HOME), internet unlimited.
    {
        "code": "home-100",
        "name": "Домашний 100",
        "description": "Домашний интернет 100 Мбит/с без ограничения трафика.",
        "monthly_fee": 55000,
        "minutes": 0,
        "sms": 0,
        "data_mb": None,
        "tags": ["home-internet"],
        "segment": "HOME",
        "speed_mbps": 100,
    },
    {
        "code": "home-500-tv",
        "name": "Домашний 500 + ТВ",
        "description": "Интернет 500 Мбит/с и 180 телеканалов.",
        "monthly_fee": 95000,
        "minutes": 0,
        "sms": 0,
        "data_mb": None,
        "tags": ["home-internet", "tv"],
        "segment": "HOME",
        "speed_mbps": 500,
        "tv_channels": 180,
    },
]

_ANY_TARIFF: tuple[str, ...] = ()
_PHONES = ("start", "smart", "max", "family", "kids", "senior", "classic")
_WITH_TV = ("home-500-tv",)
TV_PACKAGE = "TV_PACKAGE"
_LIMITED_DATA = ("start", "smart", "family", "kids", "data-sim", "senior", "classic")

# (code, name, category, monthly fee, connection fee, extra minutes, SMS, MB,
#  usable at a zero balance, tariffs it fits (empty: every tariff))
_SERVICES: list[tuple[str, str, str, int, int, int, int, int, bool, tuple[str, ...]]] = [
    ("caller-id", "Определитель номера", "calls", 0, 0, 0, 0, 0, False, _PHONES),
    ("anti-spam", "Защита от спама", "security", 4900, 0, 0, 0, 0, False, _PHONES),
    ("call-forwarding", "Переадресация", "calls", 0, 0, 0, 0, 0, False, _PHONES),
    ("voicemail", "Голосовая почта", "calls", 5900, 0, 0, 0, 0, False, _PHONES),
    ("roaming-world", "Интернет в роуминге", "roaming", 29900, 0, 0, 0, 0, False, _ANY_TARIFF),
    ("extra-10gb", "Дополнительные 10 ГБ", "internet", 25000, 0, 0, 0, 10240, False, _LIMITED_DATA),
    ("music", "Музыка без трафика", "entertainment", 19900, 0, 0, 0, 0, False, _ANY_TARIFF),
    ("video", "Видео без трафика", "entertainment", 24900, 0, 0, 0, 0, False, _ANY_TARIFF),
    (
        "parental-control",
        "Родительский контроль",
        "family",
        9900,
        0,
        0,
        0,
        0,
        False,
        ("kids", "family"),
    ),
    ("location", "Где мой ребёнок", "family", 7900, 0, 0, 0, 0, False, ("kids", "family")),
    ("content-ban", "Запрет платного контента", "security", 0, 0, 0, 0, 0, True, _ANY_TARIFF),
    ("beep", "Гудок-мелодия", "entertainment", 3900, 5000, 0, 0, 0, False, _PHONES),
    ("extra-100-min", "Дополнительные 100 минут", "calls", 9900, 0, 100, 0, 0, False, _PHONES),
    ("sms-200", "200 SMS", "sms", 4900, 0, 0, 200, 0, False, _PHONES),
    ("trust-payment", "Доверительный платёж", "finance", 0, 0, 0, 0, 0, True, _ANY_TARIFF),
    ("call-me-back", "Перезвони мне", "calls", 0, 0, 0, 0, 0, True, _PHONES),
    # TV packages: home contracts with TV only.
    ("tv-kino", "Кино", TV_PACKAGE, 29900, 0, 0, 0, 0, False, _WITH_TV),
    ("tv-sport", "Спорт", TV_PACKAGE, 24900, 0, 0, 0, 0, False, _WITH_TV),
    ("tv-kids", "Детский", TV_PACKAGE, 14900, 0, 0, 0, 0, False, _WITH_TV),
]
SERVICES: list[dict[str, Any]] = [
    {
        "code": code,
        "name": name,
        "description": name,
        "category": category,
        "monthly_fee": monthly_fee,
        "connection_fee": connection_fee,
        "minutes": minutes,
        "sms": sms,
        "data_mb": data_mb,
        "available_at_zero_balance": at_zero,
        "fits_every_tariff": not fits,
        "segment": "HOME" if category == TV_PACKAGE else "MOBILE",
    }
    for (
        code,
        name,
        category,
        monthly_fee,
        connection_fee,
        minutes,
        sms,
        data_mb,
        at_zero,
        fits,
    ) in (_SERVICES)
]
# Which tariffs each service fits, for those that do not fit every tariff.
SERVICE_TARIFFS: dict[str, tuple[str, ...]] = {row[0]: row[9] for row in _SERVICES if row[9]}
# Pairs that cannot be connected together: one forwarding of missed calls at a time, one
# zero-rated streaming bundle at a time, a melody is paid content.
SERVICE_EXCLUSIONS: list[tuple[str, str]] = [
    ("call-forwarding", "voicemail"),
    ("music", "video"),
    ("content-ban", "beep"),
]
