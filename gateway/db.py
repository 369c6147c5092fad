"""Database lifecycle: tortoise configuration, start-up check, migrations."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.executor import MigrationExecutor

from gateway.config import redact_url

APP_LABEL = "kabinet"
MIGRATIONS_MODULE = "models.migrations"
CONNECT_TIMEOUT_SECONDS = 5.0


class DatabaseUnavailable(Exception):
    """The database named by DATABASE_URL cannot be reached; the message is safe to print."""


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _connection_config(_normalise_url(database_url))},
        "apps": {
            APP_LABEL: {
                "models": ["models"],
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _connection_config(url: str) -> str | dict[str, Any]:
    if not url.startswith("postgres://"):
        return url
    config = expand_db_url(url)
    # asyncpg's default reset runs four statements (unlock advisory locks, CLOSE ALL,
    # UNLISTEN *, RESET ALL) on every release to the pool. Kabinet keeps no session state on
    # pooled connections (advisory locks are per transaction; LISTEN uses a connection of
    # its own), so only the built-in part stays: an unfinished transaction is rolled back.
    config["credentials"]["reset"] = _keep_session
    # asyncpg re-arms an inactivity timer on every release (a timer made and cancelled per
    # statement); a gateway's connections are busy, and PostgreSQL itself ends idle ones.
    config["credentials"]["max_inactive_connection_lifetime"] = 0
    return config


async def _keep_session(_connection: Any) -> None:
    return None


def _normalise_url(database_url: str) -> str:
    if database_url.startswith("postgresql://"):
        return "postgres://" + database_url.removeprefix("postgresql://")
    if database_url.startswith("sqlite://") and not database_url.startswith("sqlite://:memory:"):
        Path(database_url.removeprefix("sqlite://").split("?", 1)[0]).parent.mkdir(
            parents=True, exist_ok=True
        )
    return database_url


async def open_database(database_url: str) -> None:
    """Initialise tortoise so that every task (request handlers included) sees the connection,
    then prove the database answers."""
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
    await check_database(database_url)


async def check_database(database_url: str) -> None:
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS):
            await connections.get("default").execute_query("SELECT 1")
    except Exception as exc:  # any driver error means the same thing to the operator
        raise DatabaseUnavailable(
            f"cannot reach the database at {redact_url(database_url)}: "
            f"{type(exc).__name__}: {exc or 'timed out'}"
        ) from exc


async def close_database() -> None:
    """Closes the pool and clears tortoise's process-wide context, so a later
    `open_database` in the same process (CLI preflight, then the server) starts clean."""
    await Tortoise.close_connections()


async def run_migrations(database_url: str) -> None:
    """Applies pending migrations over the already opened database.

    Uses the executor directly: tortoise's `migrate()` helper re-initialises tortoise, which
    would drop the connection (and an in-memory SQLite database with it) and the global
    context that request tasks rely on.
    """
    apps = tortoise_config(database_url)["apps"]
    await MigrationExecutor(connections.get("default"), apps).migrate()


async def apply_migrations(database_url: str) -> None:
    await open_database(database_url)
    try:
        await run_migrations(database_url)
    finally:
        await close_database()


async def empty_tables() -> None:
    """Deletes every row of Kabinet's tables (the migrations' record stays): what
    `kabinet seed --demo --reset` does before loading the demo data again."""
    connection = connections.get("default")
    tables = [model._meta.db_table for model in Tortoise.apps["kabinet"].values()]
    if connection.capabilities.dialect == "postgres":
        quoted = ", ".join(f'"{table}"' for table in tables)
        await connection.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
        return
    # Foreign keys are checked per statement, so the order would matter: off meanwhile.
    script = "PRAGMA foreign_keys = OFF;"
    # Table names are the models' own, not input.
    script += "".join(f'DELETE FROM "{table}";' for table in tables)  # noqa: S608
    script += "DELETE FROM sqlite_sequence; PRAGMA foreign_keys = ON;"
    await connection.execute_script(script)
