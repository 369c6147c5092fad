"""The `kabinet` command as an operator runs it, in a subprocess."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def kabinet(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("KABINET", "DATABASE"))}
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args],
        env={**clean_env, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_serve_in_prod_without_secret_key_exits_with_one_line():
    result = kabinet("serve", env={"KABINET_ENV": "prod"})
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "kabinet: SECRET_KEY is required when KABINET_ENV=prod (at least 32 characters)"
    ]


def test_serve_with_unreachable_database_says_so_without_traceback():
    result = kabinet("serve", env={"DATABASE_URL": "postgres://kabinet:pw@127.0.0.1:9/kabinet"})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("kabinet: cannot reach the database at postgres://kabinet:***@")
    assert "Traceback" not in result.stderr


def test_migrate_then_seed_on_a_fresh_sqlite_file(tmp_path):
    env = {"DATABASE_URL": f"sqlite://{tmp_path}/k.sqlite3"}
    for _ in range(2):  # both are safe to run again
        migrate = kabinet("migrate", env=env)
        assert migrate.returncode == 0, migrate.stderr
    seed = kabinet("seed", "--demo", env=env)
    assert seed.returncode == 0, seed.stderr
    assert "demo data loaded" in seed.stdout
    again = kabinet("seed", "--demo", env=env)
    assert "seed skipped" in again.stdout


def test_schema_command_prints_the_sdl():
    result = kabinet("schema", env={})
    assert result.returncode == 0
    assert "type Query" in result.stdout
