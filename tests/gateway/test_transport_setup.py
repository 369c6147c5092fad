"""What `kabinet serve` asks of uvicorn and of the operating system, and the body limit the
app takes from its settings."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import httpx

from gateway.app import create_app
from gateway.config import Settings, load_settings
from gateway.services import close_services
from gateway.transport import TimedHttpToolsProtocol, uvicorn_config
from tests.support.processes import ROOT


def config_for(environ: dict[str, str]):
    return uvicorn_config(load_settings(environ), host="127.0.0.1", port=8000, workers=1)


def test_the_server_as_shipped_believes_no_forwarded_header():
    config = config_for({})
    assert config.proxy_headers is False


def test_listed_proxies_are_the_only_ones_whose_forwarded_header_is_believed():
    config = config_for({"TRUSTED_PROXIES": "10.0.0.0/8,192.0.2.10"})
    assert config.proxy_headers is True
    assert config.forwarded_allow_ips == ["10.0.0.0/8", "192.0.2.10"]


def test_time_limits_and_the_connection_cap_come_from_settings():
    config = config_for(
        {
            "HTTP_HEADER_TIMEOUT": "3",
            "HTTP_BODY_TIMEOUT": "7",
            "HTTP_KEEPALIVE_TIMEOUT": "2",
            "HTTP_MAX_CONNECTIONS": "50",
            "WORKER_STUCK_TIMEOUT": "9",
        }
    )
    assert config.http is TimedHttpToolsProtocol
    assert (config.header_timeout, config.body_timeout) == (3.0, 7.0)
    assert config.timeout_keep_alive == 2.0
    assert config.limit_concurrency == 51  # uvicorn counts the asking connection itself
    assert config.worker_stuck_timeout == 9.0


def test_serving_raises_the_open_files_limit_to_the_hard_limit():
    script = textwrap.dedent(
        """
        import resource
        from gateway.transport import raise_open_files_limit

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(256, hard), hard))
        assert raise_open_files_limit() == (hard, hard), resource.getrlimit(resource.RLIMIT_NOFILE)
        print("ok")
        """
    )
    ran = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert ran.stdout == "ok\n", ran.stderr


async def test_a_body_over_http_max_body_bytes_is_refused_with_413(database_url, tmp_path):
    settings = Settings(
        database_url=database_url, sms_outbox_path=tmp_path / "outbox.jsonl", max_body_bytes=100
    )
    app = create_app(settings, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://k.test") as client:
            small = await client.post("/graphql", json={"query": "{ __typename }"})
            large = await client.post("/graphql", content=b"{" + b" " * 200 + b"}")
    finally:
        await close_services(app.state.services)
    assert small.status_code == 200
    assert large.status_code == 413
    assert large.json()["errors"][0]["message"] == "Request body over 100 bytes."
