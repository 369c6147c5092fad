"""Request rate limits over HTTP: root fields per viewer and per client address.

Limits are per day in these tests: the in-memory buckets are sliding windows aligned to the
clock, and a test that straddled a window's end would see the previous window's count
weighed down (a day's end is far less likely to fall inside a test than a minute's).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace

import httpx
import pytest
from graphql import parse
from limits.aio.storage import MemoryStorage
from redis.asyncio import ConnectionPool

from gateway.app import create_app
from gateway.config import Settings
from gateway.rate_limits import WindowRateLimiter
from gateway.services import build_services, close_services
from resolvers.rate_limits import address_bucket
from tests.conftest import TEST_REDIS_URL
from tests.support import family
from tests.support.graphql import GraphQLClient, GraphQLResult
from tests.support.viewers import Viewers

TARIFFS = "{ tariffs { name } }"
DAY = 86_400


def aliased(count: int) -> str:
    return "{ " + " ".join(f"t{i}: tariffs {{ name }}" for i in range(count)) + " }"


Client = Callable[..., GraphQLClient]


@asynccontextmanager
async def gateway(settings: Settings) -> AsyncIterator[Client]:
    """An app with these settings; `client(ip)` posts to it from that address."""
    app = create_app(settings, manage_database=False)
    opened: list[httpx.AsyncClient] = []

    def client(ip: str = "203.0.113.7") -> GraphQLClient:
        transport = httpx.ASGITransport(app=app, client=(ip, 40000))
        http = httpx.AsyncClient(transport=transport, base_url="http://kabinet.test")
        opened.append(http)
        return GraphQLClient(http)

    try:
        yield client
    finally:
        for http in opened:
            await http.aclose()
        await close_services(app.state.services)  # waits for background work (SMS)


def limited(settings: Settings, viewer: str = "1000/day", ip: str = "1000/day") -> Settings:
    return replace(settings, rate_limit_viewer=viewer, rate_limit_ip=ip)


def assert_refused(result: GraphQLResult, limit: str) -> int:
    """The refusal's shape; returns its retryAfter."""
    assert result.status_code == 429, result.body
    [error] = result.errors
    seconds = error["extensions"]["retryAfter"]
    assert isinstance(seconds, int) and 1 <= seconds <= DAY
    assert result.data is None
    assert error == {
        "message": f"Too many requests; try again in {seconds} s.",
        "extensions": {"code": "RATE_LIMITED", "retryAfter": seconds, "limit": limit},
    }
    return seconds


async def post_raw(client: GraphQLClient, query: str, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await client.http.post("/graphql", json={"query": query}, headers=headers)


async def test_a_subscribers_sixth_root_field_is_refused_with_429_and_retry_after(
    settings, services
):
    async with gateway(limited(settings, viewer="5/day")) as client:
        token = await Viewers(services).token_for(await family.subscriber("Anna"))
        gql = client()
        for _ in range(5):
            assert (await gql(TARIFFS, token=token)).status_code == 200
        response = await post_raw(gql, TARIFFS, token)
        result = GraphQLResult(response.status_code, response.json())
        seconds = assert_refused(result, "VIEWER")
        assert response.headers["Retry-After"] == str(seconds)


async def test_one_request_with_six_aliased_root_fields_is_refused_as_six(settings, services):
    async with gateway(limited(settings, viewer="5/day")) as client:
        token = await Viewers(services).token_for(await family.subscriber("Anna"))
        gql = client()
        assert_refused(await gql(aliased(6), token=token), "VIEWER")
        # Refused, so not counted: the whole five are still there, and then gone.
        assert (await gql(aliased(3), token=token)).status_code == 200
        assert_refused(await gql(aliased(3), token=token), "VIEWER")
        assert (await gql(aliased(2), token=token)).status_code == 200
        assert_refused(await gql(TARIFFS, token=token), "VIEWER")


async def test_two_subscribers_behind_one_address_have_their_own_buckets_and_share_its_one(
    settings, services
):
    async with gateway(limited(settings, viewer="3/day", ip="5/day")) as client:
        tokens = Viewers(services)
        anna = await tokens.token_for(await family.subscriber("Anna"))
        masha = await tokens.token_for(await family.subscriber("Masha"))
        gql = client()
        for _ in range(3):
            assert (await gql(TARIFFS, token=anna)).status_code == 200
        assert_refused(await gql(TARIFFS, token=anna), "VIEWER")
        # Masha's own bucket is full; the address has 2 of its 5 left (Anna's refused
        # request did not spend the address's bucket).
        for _ in range(2):
            assert (await gql(TARIFFS, token=masha)).status_code == 200
        assert_refused(await gql(TARIFFS, token=masha), "IP")


async def test_anonymous_requests_are_counted_per_address(settings):
    async with gateway(limited(settings, ip="3/day")) as client:
        here, elsewhere = client("198.51.100.1"), client("198.51.100.2")
        for _ in range(3):
            assert (await here(TARIFFS)).status_code == 200
        assert_refused(await here(TARIFFS), "IP")
        assert (await elsewhere(TARIFFS)).status_code == 200


async def test_ipv6_clients_are_counted_per_64_network(settings):
    async with gateway(limited(settings, ip="2/day")) as client:
        assert (await client("2001:db8:1:2::1")(TARIFFS)).status_code == 200
        assert (await client("2001:db8:1:2:ffff::9")(TARIFFS)).status_code == 200
        assert_refused(await client("2001:db8:1:2::77")(TARIFFS), "IP")
        assert (await client("2001:db8:1:3::1")(TARIFFS)).status_code == 200


@pytest.mark.parametrize(
    ("client_ip", "bucket"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("", ""),
    ],
)
def test_an_address_bucket_is_the_address_or_its_ipv6_64(client_ip, bucket):
    assert address_bucket(client_ip) == bucket


async def test_a_partner_app_is_counted_by_its_client_id_across_its_tokens(settings, services):
    async with gateway(limited(settings, viewer="3/day")) as client:
        app = await family.partner_app(["numbers:read"])
        tokens = Viewers(services)
        first, second = await tokens.partner_token(app), await tokens.partner_token(app)
        other = await tokens.partner_token(await family.partner_app(["numbers:read"], "Other"))
        gql = client()
        assert (await gql(aliased(2), token=first)).status_code == 200
        assert (await gql(TARIFFS, token=second)).status_code == 200
        assert_refused(await gql(TARIFFS, token=first), "VIEWER")
        assert (await gql(TARIFFS, token=other)).status_code == 200


async def test_introspection_counts_like_any_query(settings):
    async with gateway(limited(settings, ip="2/day")) as client:
        gql = client()
        assert (await gql("{ __schema { queryType { name } } }")).status_code == 200
        assert (await gql('{ __type(name: "Query") { name } }')).status_code == 200
        assert_refused(await gql("{ __typename }"), "IP")


async def test_a_refused_mutation_does_nothing(settings):
    anna = await family.subscriber("Anna")
    async with gateway(limited(settings, ip="1/day")) as client:
        gql = client()
        assert (await gql(TARIFFS)).status_code == 200
        mutation = f'mutation {{ requestSignInCode(phone: "{anna.phone}") {{ resendAfter }} }}'
        assert_refused(await gql(mutation), "IP")
    outbox = settings.sms_outbox_path
    assert not outbox.exists() or not outbox.read_text()  # no code was sent


async def test_a_batched_request_is_refused_with_a_clear_400(gql):
    body = [{"query": TARIFFS}, {"query": TARIFFS}]
    response = await gql.http.post("/graphql", json=body)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"message": "Batching is not enabled", "extensions": {"code": "BAD_REQUEST"}}
    ]


@pytest.mark.skipif(not TEST_REDIS_URL, reason="needs KABINET_TEST_REDIS_URL (a Redis to share)")
async def test_two_gateway_instances_share_a_subscribers_bucket_through_redis(settings, services):
    shared = limited(settings, viewer="4/day")
    token = await Viewers(services).token_for(await family.subscriber("Anna"))
    async with gateway(shared) as first, gateway(shared) as second:
        assert (await first()(aliased(3), token=token)).status_code == 200
        assert_refused(await second()(aliased(2), token=token), "VIEWER")
        assert (await second()(TARIFFS, token=token)).status_code == 200
        assert_refused(await first()(TARIFFS, token=token), "VIEWER")


def test_the_buckets_live_in_redis_when_it_is_configured_else_in_memory(settings):
    in_memory = build_services(replace(settings, redis_url=None))
    on_redis = build_services(replace(settings, redis_url="redis://127.0.0.1:6379/0"))
    assert in_memory.rate_limiter is not None and on_redis.rate_limiter is not None
    assert "this process's memory" in in_memory.rate_limiter.description
    assert "redis" in on_redis.rate_limiter.description


async def test_an_unreachable_redis_lets_requests_through_and_says_so(caplog):
    pool = ConnectionPool.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    limiter = WindowRateLimiter.on_redis("redis://127.0.0.1:1/0", pool, "1/day", "1/day")
    with caplog.at_level(logging.WARNING, logger="kabinet.rate_limits"):
        assert await limiter.take("subscriber:1", "203.0.113.7", 5) is None
    assert "rate limit store unavailable" in caplog.text
    await pool.disconnect()


async def test_the_in_memory_store_sweeps_expired_counters_once_in_a_while(monkeypatch):
    """Not after every hit, as limits' MemoryStorage does: a sweep walks every bucket."""
    assert hasattr(MemoryStorage, "_MemoryStorage__schedule_expiry")  # the hook overridden
    sweeps: list[object] = []

    async def sweep(storage: object) -> None:
        sweeps.append(storage)

    monkeypatch.setattr(MemoryStorage, "_MemoryStorage__expire_events", sweep)
    limiter = WindowRateLimiter.in_memory("1000/day", "1000/day")
    for i in range(50):
        assert await limiter.take(f"subscriber:{i}", "203.0.113.7", 1) is None
        await asyncio.sleep(0)  # the loop runs between requests, as in a server
    assert len(sweeps) == 1


@pytest.mark.parametrize(
    ("document", "operation", "cost"),
    [
        ("{ tariffs { name } }", None, 1),
        ("{ a: tariffs { name } b: tariffs { name } c: services { name } }", None, 3),
        # The same response name twice is merged by GraphQL and runs once.
        ("{ tariffs { name } tariffs { name } }", None, 1),
        ("{ __typename }", None, 1),
        ("{ __typename tariffs { name } }", None, 1),
        ("{ __schema { types { name } } }", None, 1),
        (
            "query { ...Two ... on Query { c: tariffs { name } } ... { d: services { name } } }"
            " fragment Two on Query { a: tariffs { name } b: tariffs { name } ...Two2 }"
            " fragment Two2 on Query { e: tariffs { name } }",
            None,
            5,
        ),
        (
            "query One { tariffs { name } } query Two { a: tariffs { name } b: services { name } }",
            "Two",
            2,
        ),
        (
            'mutation { a: signIn(phone: "1", code: "1") { accessToken }'
            ' b: signIn(phone: "2", code: "2") { accessToken } }',
            None,
            2,
        ),
    ],
)
def test_an_operation_costs_its_root_fields(document, operation, cost):
    from schema.rate_limit import root_field_cost

    assert root_field_cost(parse(document), operation) == cost
