"""Whose X-Forwarded-For the real server (`kabinet serve`) believes: nobody's by default,
a listed proxy's with TRUSTED_PROXIES. The address seen is read back as the session's ip
(the one per-IP limits and the audit log use)."""

from __future__ import annotations

import httpx
import pytest

from tests.support.processes import gateway_process, run_kabinet, shared_store_env

SIGN_IN = """
mutation($p: String!, $w: String!) { signInWithPassword(phone: $p, password: $w) { accessToken } }
"""
SESSIONS = "{ viewer { sessions { ip current } } }"
FORGED = "198.51.100.1"


@pytest.fixture
def demo_store(database_url, tmp_path) -> dict[str, str]:
    env = shared_store_env(database_url, tmp_path, "proxies")
    seeded = run_kabinet("seed", "--demo", env=env)
    assert "demo data loaded" in seeded.stdout, seeded.stdout + seeded.stderr
    return env


def ip_seen(base_url: str, forwarded_for: str) -> str:
    """Signs the demo owner in with this X-Forwarded-For; the ip her new session records."""
    signed_in = httpx.post(
        f"{base_url}/graphql",
        json={"query": SIGN_IN, "variables": {"p": "+79990000001", "w": "demo-password-1"}},
        headers={"X-Forwarded-For": forwarded_for},
    ).json()
    token = signed_in["data"]["signInWithPassword"]["accessToken"]
    sessions = httpx.post(
        f"{base_url}/graphql",
        json={"query": SESSIONS},
        headers={"Authorization": f"Bearer {token}"},
    ).json()["data"]["viewer"]["sessions"]
    return next(session["ip"] for session in sessions if session["current"])


def test_x_forwarded_for_changes_the_address_seen_only_from_a_trusted_proxy(demo_store):
    # Two servers on one seeded store (seeding is the slow part): one as shipped, one told
    # that the local address is its proxy.
    with (
        gateway_process(demo_store) as as_shipped,
        gateway_process({**demo_store, "TRUSTED_PROXIES": "127.0.0.1"}) as behind_proxy,
    ):
        # Any local process (or a same-host proxy's other clients) could write the header.
        assert ip_seen(as_shipped, FORGED) == "127.0.0.1"

        assert ip_seen(behind_proxy, FORGED) == FORGED
        # A client's own X-Forwarded-For comes first; the proxy appends what it saw, and
        # only that (the last address that is not a trusted proxy) is believed.
        assert ip_seen(behind_proxy, f"203.0.113.66, {FORGED}") == FORGED
