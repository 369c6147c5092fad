"""Plain-row reads with precise SQL, for the hot paths where ORM model objects cost too much.

Queries are written with `?` placeholders; on PostgreSQL they become `$1, $2...`. A list of
keys is always one parameter (`= ANY($1)` / `json_each(?)`), so each query keeps one text and
the driver's prepared-statement cache stays warm whatever the batch size.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from tortoise import connections


def _connection() -> Any:
    return connections.get("default")


def is_postgres() -> bool:
    return _connection().capabilities.dialect == "postgres"


@lru_cache(maxsize=512)
def _numbered(sql: str) -> str:
    parts = sql.split("?")
    return "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], start=1)) + parts[-1]


def in_keys(column: str) -> str:
    """A condition `column is one of the keys`, taking one parameter made by `keys_param`."""
    if is_postgres():
        return f"{column} = ANY(?)"
    return f"{column} IN (SELECT value FROM json_each(?))"  # noqa: S608 (column is ours)


def keys_param(keys: Iterable[Any]) -> Any:
    values = list(keys)
    return values if is_postgres() else json.dumps(values)


async def fetch_all(sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    connection = _connection()
    if connection.capabilities.dialect == "postgres":
        sql = _numbered(sql)
    return await connection.execute_query_dict(sql, list(params))


async def fetch_rows(sql: str, params: Sequence[Any] = ()) -> Sequence[Mapping[str, Any]]:
    """Like fetch_all, for the per-request hot paths, with read-only rows: on PostgreSQL
    asyncpg's own records (mappings already), not copies of them into dicts. Same
    connection (a transaction's, if one is open), same statement log, same errors."""
    connection = _connection()
    if connection.capabilities.dialect != "postgres":
        return await connection.execute_query_dict(sql, list(params))
    return await connection._translate_exceptions(_fetch_records, _numbered(sql), params)


async def _fetch_records(client: Any, sql: str, params: Sequence[Any]) -> Any:
    async with client.acquire_connection() as connection:
        client.log.debug("%s: %s", sql, params)
        return await connection.fetch(sql, *params)


def as_datetime(value: Any) -> datetime | None:
    """A timestamp from a raw row: SQLite hands back tortoise's ISO text, PostgreSQL a
    datetime."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def time_param(at: datetime) -> Any:
    """A timestamp as a raw statement's parameter: on SQLite the text tortoise stores (so
    comparisons are in time order), on PostgreSQL the datetime itself."""
    return at if is_postgres() else str(at.astimezone(UTC))


def as_json(value: Any) -> Any:
    """A JSON column from a raw row: text on SQLite and through raw asyncpg."""
    return json.loads(value) if isinstance(value, str | bytes) else value
