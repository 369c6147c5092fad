"""A number's roaming, call forwarding and limits, for any number of numbers in one
statement: a family tree asking for them costs one statement, for 5 numbers as for 500."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from resolvers.care.limits import Limits
from resolvers.dataloader import DataLoader
from resolvers.sql import as_datetime, as_json, fetch_rows, in_keys, keys_param

_CARE_SQL = """
SELECT n.id, s.roaming_enabled, s.call_forwarding,
       l.id AS limits_id, l.monthly_spend_cap, l.forbidden_service_categories,
       l.user_may_change_tariff, l.user_may_connect_services, l.updated_at AS limits_updated_at
FROM numbers n
LEFT JOIN number_settings s ON s.number_id = n.id
LEFT JOIN number_limits l ON l.number_id = n.id
WHERE {keys}
"""


@dataclass(frozen=True)
class Care:
    roaming_enabled: bool = False
    # Stored rules: {"condition", "to", "delay_seconds"}
    call_forwarding: list[dict[str, Any]] = field(default_factory=list)
    limits: Limits | None = None
    limits_updated_at: Any = None


class CareByNumberLoader(DataLoader[int, Care]):
    async def batch_load_fn(self, keys: list[int]) -> list[Care]:
        sql = _CARE_SQL.format(keys=in_keys("n.id"))
        found = {}
        for row in await fetch_rows(sql, [keys_param(keys)]):
            limits = None
            if row["limits_id"] is not None:
                limits = Limits(
                    monthly_spend_cap=row["monthly_spend_cap"],
                    forbidden_service_categories=tuple(
                        as_json(row["forbidden_service_categories"])
                    ),
                    user_may_change_tariff=bool(row["user_may_change_tariff"]),
                    user_may_connect_services=bool(row["user_may_connect_services"]),
                )
            found[row["id"]] = Care(
                roaming_enabled=bool(row["roaming_enabled"]),
                call_forwarding=as_json(row["call_forwarding"]) or [],
                limits=limits,
                limits_updated_at=as_datetime(row["limits_updated_at"]),
            )
        return [found.get(key, Care()) for key in keys]
