"""State that several gateway processes must share, shown with two real processes."""

import httpx
import pytest

from tests.support.processes import gateway_process, shared_store_env

SIGN_IN_WITH_PASSWORD = """
mutation($p: String!, $w: String!) { signInWithPassword(phone: $p, password: $w) { accessToken } }
"""
SIGN_IN_WITH_CODE = """
mutation($p: String!, $c: String!) { signIn(phone: $p, code: $c) { accessToken } }
"""
PHONE = "+79990000001"


@pytest.fixture
def shared_store(database_url, tmp_path) -> dict[str, str]:
    return shared_store_env(database_url, tmp_path, "shared")


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
