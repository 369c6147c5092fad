"""Throw-away databases: a SQLite file in a temp dir, or a fresh PostgreSQL schema that is
dropped afterwards. Migrated with `kabinet migrate`, the way an operator does it."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"
DATABASES = ("sqlite", "postgres")


class BenchError(Exception):
    """The benchmark could not set something up; the message says what."""


def gateway_env(extra: dict[str, str]) -> dict[str, str]:
    """The environment for a gateway subprocess: ours without any Kabinet settings, plus
    `extra`, so nothing from the caller's shell (REDIS_URL, say) leaks into the run."""
    prefixes = ("KABINET", "DATABASE", "REDIS", "SECRET_KEY", "SMS_", "HOST", "PORT")
    keep = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return {**keep, "KABINET_ENV": "dev", **extra}


def migrate(database_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gateway", "migrate"],
        env=gateway_env({"DATABASE_URL": database_url}),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"kabinet migrate failed ({result.returncode}): {result.stderr.strip()}")


def _with_schema(url: str, schema: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["schema"] = schema
    return urlunsplit(parts._replace(query=urlencode(query)))


def _asyncpg_dsn(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(scheme="postgresql", query=""))


async def _execute(url: str, statement: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def fresh_database(kind: str, workdir: Path, postgres_url: str) -> Iterator[str]:
    """Yields the DATABASE_URL of a new, migrated, empty database of `kind`."""
    if kind == "sqlite":
        path = workdir / f"bench-{secrets.token_hex(3)}.sqlite3"
        url = f"sqlite://{path}"
        migrate(url)
        yield url
        return
    if kind != "postgres":
        raise BenchError(f"unknown database {kind!r}; use one of {', '.join(DATABASES)}")
    schema = f"bench_{secrets.token_hex(4)}"
    try:
        asyncio.run(_execute(postgres_url, f'CREATE SCHEMA "{schema}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        raise BenchError(f"cannot create a schema at {postgres_url}: {exc}") from exc
    try:
        url = _with_schema(postgres_url, schema)
        migrate(url)
        yield url
    finally:
        asyncio.run(_execute(postgres_url, f'DROP SCHEMA "{schema}" CASCADE'))
