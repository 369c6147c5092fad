"""State that several gateway processes must share, shown with two real processes."""

import httpx
import pytest

from tests.conftest import TEST_REDIS_URL
from tests.support.database import is_postgres_url
from tests.support.processes import gateway_process, run_kabinet

SIGN_IN_WITH_PASSWORD = """
mutation($p: String!, $w: String!) { signInWithPassword(phone: $p, password: $w) { accessToken } }
"""
SIGN_IN_WITH_CODE = """
mutation($p: String!, $c: String!) { signIn(phone: $p, code: $c) { accessToken } }
"""
PHONE = "+79990000001"


@pytest.fixture
def shared_store(database_url, tmp_path) -> dict[str, str]:
    """The environment of processes sharing one store: the test database when it is
    PostgreSQL, otherwise a migrated SQLite file; Redis too when the suite runs with it."""
    if is_postgres_url(database_url):
        env = {"DATABASE_URL": database_url}
    else:
        env = {"DATABASE_URL": f"sqlite://{tmp_path}/shared.sqlite3"}
        migrated = run_kabinet("migrate", env=env)
        assert migrated.returncode == 0, migrated.stderr
    if TEST_REDIS_URL:
        env["REDIS_URL"] = TEST_REDIS_URL
    env["SMS_OUTBOX_PATH"] = str(tmp_path / "outbox.jsonl")
    return env


def post(base_url: str, query: str, variables: dict) -> dict:
    response = httpx.post(f"{base_url}/graphql", json={"query": query, "variables": variables})
    return response.json()


def test_eleventh_sign_in_attempt_is_refused_across_two_processes(shared_store):
    with gateway_process(shared_store) as first, gateway_process(shared_store) as second:
        for attempt in range(10):
            base_url = first if attempt % 2 else second
            if attempt % 3:
                body = post(base_url, SIGN_IN_WITH_PASSWORD, {"p": PHONE, "w": f"guess-{attempt}"})
            else:
                body = post(base_url, SIGN_IN_WITH_CODE, {"p": PHONE, "c": f"{attempt:06d}"})
            assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", attempt
        for base_url in (first, second):
            body = post(base_url, SIGN_IN_WITH_PASSWORD, {"p": PHONE, "w": "demo-password-1"})
            assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
            assert body["errors"][0]["extensions"]["retryAfter"] > 3500
