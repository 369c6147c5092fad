"""Time limits and the connection cap, enforced by the real server (`kabinet serve`) on raw
sockets, with short limits so that each case takes a second or two. Only "cut within the
configured limit plus generous slack" is asserted, never a speed."""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support.processes import gateway_process, shared_store_env

LIMIT = 1.0  # seconds, every time limit of the gateway under test
SLACK = 3.0  # on top of a limit: a loaded CI machine, never a performance claim
MAX_CONNECTIONS = 5
TRICKLE = 0.3  # seconds between bytes: each byte well inside the limit, the whole far over


@pytest.fixture(scope="module")
def gateway(database_url, tmp_path_factory) -> Iterator[str]:
    env = shared_store_env(database_url, tmp_path_factory.mktemp("transport"), "transport")
    env |= {
        "HTTP_HEADER_TIMEOUT": str(LIMIT),
        "HTTP_BODY_TIMEOUT": str(LIMIT),
        "HTTP_KEEPALIVE_TIMEOUT": str(LIMIT),
        "HTTP_MAX_CONNECTIONS": str(MAX_CONNECTIONS),
    }
    with gateway_process(env) as base_url:
        yield base_url


def connect(base_url: str) -> socket.socket:
    address = urlsplit(base_url)
    return socket.create_connection((address.hostname, address.port), timeout=10)


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes; a reset ends it too (the server may
    have closed with our last byte unread)."""
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except ConnectionResetError:
        pass
    return data


def read_response(sock: socket.socket) -> bytes:
    """One response with a Content-Length (all /healthz sends), left on an open connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def trickle(sock: socket.socket, data: bytes) -> tuple[float, bytes]:
    """Sends `data` a byte every TRICKLE seconds until the server answers or closes;
    returns the seconds it took and what the server sent."""
    started = time.monotonic()
    for byte in data:
        try:
            sock.send(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            break
        readable, _, _ = select.select([sock], [], [], TRICKLE)
        if readable:
            break
    answer = read_until_closed(sock)
    return time.monotonic() - started, answer


def assert_cut_with_408_or_closed(answer: bytes) -> None:
    if not answer:
        return  # closed (reset) before the 408 could be read: cut all the same
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 "), answer
    assert b"connection: close" in head.lower()
    assert json.loads(body)["errors"][0]["extensions"]["code"] == "REQUEST_TIMEOUT"


def test_a_client_trickling_its_headers_is_cut_within_the_header_timeout(gateway):
    request = b"GET /healthz HTTP/1.1\r\nHost: kabinet\r\nX-Slow: " + b"a" * 40 + b"\r\n\r\n"
    assert len(request) * TRICKLE > 5 * (LIMIT + SLACK)  # unhindered, it would take long
    with connect(gateway) as sock:
        took, answer = trickle(sock, request)
    assert took < LIMIT + SLACK
    assert_cut_with_408_or_closed(answer)


def test_a_client_trickling_its_body_is_cut_within_the_body_timeout(gateway):
    body = json.dumps({"query": "{ tariffs { name } }"}).encode()
    head = (
        b"POST /graphql HTTP/1.1\r\nHost: kabinet\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    with connect(gateway) as sock:
        sock.sendall(head)
        took, answer = trickle(sock, body)
    assert took < LIMIT + SLACK
    assert_cut_with_408_or_closed(answer)


def test_a_client_that_stops_mid_body_gets_a_408_in_json(gateway):
    with connect(gateway) as sock:
        sock.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: kabinet\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{"
        )
        started = time.monotonic()
        answer = read_until_closed(sock)
    assert time.monotonic() - started < LIMIT + SLACK
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert_cut_with_408_or_closed(answer)


def test_a_kept_alive_connection_serves_requests_then_is_closed_when_idle(gateway):
    request = b"GET /healthz HTTP/1.1\r\nHost: kabinet\r\n\r\n"
    with connect(gateway) as sock:
        for _ in range(2):  # a normal request, then another one on the same connection
            sock.sendall(request)
            answer = read_response(sock)
            assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b'{"status":"ok"}')
            assert b"connection: close" not in answer.lower()
        idle_since = time.monotonic()
        assert read_until_closed(sock) == b""  # closed without a word, as uvicorn does
    assert time.monotonic() - idle_since < LIMIT + SLACK


def test_a_graphql_query_sent_normally_is_answered(gateway):
    response = httpx.post(f"{gateway}/graphql", json={"query": "{ tariffs { name } }"})
    assert response.status_code == 200
    assert "errors" not in response.json()


def test_a_request_over_the_connection_cap_gets_503_until_idle_connections_are_cut(gateway):
    held = [connect(gateway) for _ in range(MAX_CONNECTIONS)]  # open, and never a byte
    try:
        time.sleep(0.2)  # let the server accept them all
        refused = httpx.get(f"{gateway}/healthz")
        assert refused.status_code == 503
        assert refused.headers["connection"] == "close"
        started = time.monotonic()
        for sock in held:  # each is a request whose headers are late: cut
            assert read_until_closed(sock).startswith(b"HTTP/1.1 408 ")
        assert time.monotonic() - started < LIMIT + SLACK
    finally:
        for sock in held:
            sock.close()
    assert httpx.get(f"{gateway}/healthz").status_code == 200
