"""One migrated database per test session, emptied before every test.

SQLite in memory by default; `KABINET_TEST_DATABASE_URL=postgres://...` runs the same suite
on PostgreSQL, in a schema of its own that is dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
from tortoise import Tortoise, connections

from gateway.db import close_database, open_database, run_migrations

DEFAULT_TEST_DATABASE_URL = "sqlite://:memory:"


def database_url_for_tests() -> str:
    return os.environ.get("KABINET_TEST_DATABASE_URL", "").strip() or DEFAULT_TEST_DATABASE_URL


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def _with_schema(url: str, schema: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["schema"] = schema
    return urlunsplit(parts._replace(query=urlencode(query)))


def _asyncpg_dsn(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql", query=""))


@asynccontextmanager
async def migrated_database(base_url: str) -> AsyncIterator[str]:
    """Yields the URL of a freshly migrated, open database (a new PostgreSQL schema)."""
    schema = None
    url = base_url
    if is_postgres_url(base_url):
        schema = f"kabinet_test_{os.getpid()}_{secrets.token_hex(3)}"
        connection = await asyncpg.connect(_asyncpg_dsn(base_url))
        try:
            await connection.execute(f'CREATE SCHEMA "{schema}"')
        finally:
            await connection.close()
        url = _with_schema(base_url, schema)
    await open_database(url)
    try:
        await run_migrations(url)
        yield url
    finally:
        await close_database()
        if schema:
            connection = await asyncpg.connect(_asyncpg_dsn(base_url))
            try:
                await connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
            finally:
                await connection.close()


async def empty_all_tables() -> None:
    connection = connections.get("default")
    tables = [model._meta.db_table for model in Tortoise.apps["kabinet"].values()]
    if connection.capabilities.dialect == "postgres":
        quoted = ", ".join(f'"{table}"' for table in tables)
        await connection.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    else:
        # Foreign keys are checked per statement, so order would matter: switch them off.
        script = "PRAGMA foreign_keys = OFF;"
        script += "".join(f'DELETE FROM "{table}";' for table in tables)
        script += "DELETE FROM sqlite_sequence; PRAGMA foreign_keys = ON;"
        await connection.execute_script(script)
