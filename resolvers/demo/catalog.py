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
    },
    {
        "code": "max",
        "name": "Максимум",
        "description": "Безлимитный интернет и много минут.",
        "monthly_fee": 120000,
        "minutes": 2000,
        "sms": 500,
        "data_mb": None,
        "tags": ["internet", "unlimited-internet"],
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
    },
    {
        "code": "data-sim",
        "name": "Для планшета",
        "description": "Только интернет: для планшетов и модемов.",
        "monthly_fee": 40000,
        "minutes": 0,
        "sms": 0,
        "data_mb": 30 * 1024,
        "tags": ["internet", "data-only"],
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
    },
]

SERVICES: list[dict[str, Any]] = [
    ("caller-id", "Определитель номера", "calls", 0, 0),
    ("anti-spam", "Защита от спама", "security", 4900, 0),
    ("call-forwarding", "Переадресация", "calls", 0, 0),
    ("voicemail", "Голосовая почта", "calls", 5900, 0),
    ("roaming-world", "Интернет в роуминге", "roaming", 29900, 0),
    ("extra-10gb", "Дополнительные 10 ГБ", "internet", 25000, 0),
    ("music", "Музыка без трафика", "entertainment", 19900, 0),
    ("video", "Видео без трафика", "entertainment", 24900, 0),
    ("parental-control", "Родительский контроль", "family", 9900, 0),
    ("location", "Где мой ребёнок", "family", 7900, 0),
    ("content-ban", "Запрет платного контента", "security", 0, 0),
    ("beep", "Гудок-мелодия", "entertainment", 3900, 5000),
]
SERVICES = [
    {
        "code": code,
        "name": name,
        "description": name,
        "category": category,
        "monthly_fee": monthly_fee,
        "connection_fee": connection_fee,
    }
    for code, name, category, monthly_fee, connection_fee in SERVICES
]
