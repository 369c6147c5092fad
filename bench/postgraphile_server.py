"""PostGraphile 4 for the side-by-side benchmark: installed from the npm registry into a
git-ignored scratch folder, served from its own copy of the benchmark's database."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

from bench.databases import BenchError
from bench.server import free_port, stop

SCRATCH = Path(__file__).with_name("postgraphile_scratch")
CLI = SCRATCH / "node_modules" / "postgraphile" / "cli.js"
VERSION = "postgraphile@4"


def install() -> str:
    """`npm install postgraphile@4` into the scratch folder (once); returns its version."""
    if not CLI.exists():
        SCRATCH.mkdir(exist_ok=True)
        result = subprocess.run(  # noqa: S603 (our own arguments)
            ["npm", "install", "--no-audit", "--no-fund", "--no-save", VERSION],  # noqa: S607
            cwd=SCRATCH,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if result.returncode != 0 or not CLI.exists():
            raise BenchError(f"npm install {VERSION} failed: {result.stderr.strip()}")
    package = (CLI.parent / "package.json").read_text()
    return package.split('"version": "', 1)[1].split('"', 1)[0]


def _database_url(postgres_url: str, database: str) -> str:
    return urlunsplit(urlsplit(postgres_url)._replace(path=f"/{database}", query=""))


@contextmanager
def mirrored_database(postgres_url: str, schema: str) -> Iterator[str]:
    """A new database `<schema>_pg` holding a copy of `schema` (every row, index and
    constraint, by pg_dump | psql); yields its URL, dropped afterwards."""
    database = f"{schema}_pg"
    admin = _database_url(postgres_url, "postgres")
    source = _database_url(postgres_url, urlsplit(postgres_url).path.lstrip("/"))
    subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{database}"'], check=True)  # noqa: S603,S607
    try:
        url = _database_url(postgres_url, database)
        dump = subprocess.run(  # noqa: S603
            ["pg_dump", "--no-owner", "-n", schema, source],  # noqa: S607
            capture_output=True,
            check=True,
        )
        subprocess.run(  # noqa: S603
            ["psql", url, "-q", "-v", "ON_ERROR_STOP=1"],  # noqa: S607
            input=dump.stdout,
            capture_output=True,
            check=True,
        )
        subprocess.run(["psql", url, "-qc", "ANALYZE"], check=True)  # noqa: S603,S607
        yield url
    finally:
        subprocess.run(  # noqa: S603
            ["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'],  # noqa: S607
            check=False,
        )


@dataclass(frozen=True)
class PostGraphile:
    base_url: str
    pid: int
    log_path: Path


@contextmanager
def running_postgraphile(
    database_url: str,
    schema: str,
    workdir: Path,
    debug_sql: bool = False,
    query_log: bool = True,
) -> Iterator[PostGraphile]:
    """One Node process serving `schema` at /graphql, as its CLI does by default (no watch
    mode; a log line per query, as Kabinet writes an access line per request; `query_log`
    False turns it off). `debug_sql` logs every statement it sends
    (DEBUG=postgraphile:postgres), for counting."""
    port = free_port()
    log_path = workdir / f"postgraphile-{port}.log"
    command = [
        *("node", str(CLI), "-c", database_url, "-s", schema),
        *("-p", str(port), "-n", "127.0.0.1"),
    ]
    if not query_log:
        command.append("--disable-query-log")
    env = {"PATH": "/usr/bin:/bin", "NODE_ENV": "production"}
    if debug_sql:
        env["DEBUG"] = "postgraphile:postgres"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env=env)  # noqa: S603
        try:
            base_url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise BenchError(f"PostGraphile exited:\n{log_path.read_text()}")
                try:
                    httpx.post(f"{base_url}/graphql", json={"query": "{ __typename }"}, timeout=1)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise BenchError("PostGraphile did not start in 60 s") from None
                    time.sleep(0.2)
            yield PostGraphile(base_url, process.pid, log_path)
        finally:
            stop(process)
