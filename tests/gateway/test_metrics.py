"""What an operator scraping GET /metrics gets: requests by operation name and outcome,
their latency, SQL statements per request, errors by code, rate-limit refusals; from one
process or summed over several workers; and who may scrape in production."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.support.apps import gateway_with
from tests.support.processes import running_gateway, shared_store_env

TOKEN = "metrics-token-for-tests-0123456789abcdef"
PROD = {"env": "prod", "secret_key": "prod-secret-key-for-tests-0123456789"}


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample (0 if absent) in a scrape."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return found.value
    return 0.0


async def scrape(http: httpx.AsyncClient, token: str | None = None) -> str:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def test_an_operator_sees_requests_by_operation_name_and_outcome(gql, http):
    before = await scrape(http)
    for _ in range(3):
        (await gql("query MetricsProbe { __typename }")).ok()
    refused = await gql("query MetricsBroken { noSuchField }")
    assert refused.error_codes
    after = await scrape(http)

    def grew(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert grew("kabinet_graphql_requests_total", operation="MetricsProbe", outcome="ok") == 3
    assert grew("kabinet_graphql_requests_total", operation="MetricsBroken", outcome="error") == 1
    assert grew("kabinet_graphql_errors_total", code=refused.error_codes[0]) == 1
    assert grew("kabinet_graphql_request_seconds_count", operation="MetricsProbe") == 3
    assert grew("kabinet_http_requests_total", route="/graphql", status="200") >= 3


async def test_an_operator_sees_the_sql_statements_a_request_sent(gql, http):
    before = await scrape(http)
    (await gql("query Catalogue { tariffs { name } }")).ok()
    after = await scrape(http)
    statements = sample(after, "kabinet_sql_statements_per_request_sum") - sample(
        before, "kabinet_sql_statements_per_request_sum"
    )
    # The scrape itself is a request too, with no statements.
    assert statements >= 1
    assert sample(after, "kabinet_sql_seconds_per_request_sum") > sample(
        before, "kabinet_sql_seconds_per_request_sum"
    )


async def test_in_production_metrics_are_served_only_with_the_metrics_token(settings):
    async with gateway_with(settings, **PROD) as gql:
        assert (await gql.http.get("/metrics")).status_code == 404
    async with gateway_with(settings, **PROD, metrics_token=TOKEN) as gql:
        assert (await gql.http.get("/metrics")).status_code == 401
        wrong = {"Authorization": f"Bearer {TOKEN[:-1]}x"}
        assert (await gql.http.get("/metrics", headers=wrong)).status_code == 401
        assert "kabinet_graphql_requests_total" in await scrape(gql.http, TOKEN)


def test_a_scrape_of_any_worker_counts_the_requests_of_all_workers(database_url, tmp_path):
    env = shared_store_env(database_url, tmp_path, "metrics")
    with running_gateway(env, args=("--workers", "2")) as gateway:
        for _ in range(20):
            # A new connection each time: the kernel spreads them over both workers.
            response = httpx.post(
                f"{gateway.base_url}/graphql", json={"query": "query Spread { __typename }"}
            )
            assert response.status_code == 200
        for _ in range(4):
            text = httpx.get(f"{gateway.base_url}/metrics").text
            assert sample(text, "kabinet_graphql_requests_total", operation="Spread") == 20
        assert len(gateway.worker_pids()) == 2


async def test_an_operator_sees_the_database_pool_in_use_on_postgresql(gql, http, settings):
    from gateway.pool_metrics import sample_pool

    if settings.is_sqlite:
        assert sample_pool() is False  # SQLite has no pool: nothing is reported
        return
    assert sample_pool() is True
    text = await scrape(http)
    assert sample(text, "kabinet_db_pool_connections", state="open") >= 1
    assert sample(text, "kabinet_db_pool_connections", state="max") >= 1
    assert sample(text, "kabinet_db_pool_connections", state="in_use") >= 0
