"""Prometheus metrics (prometheus-client) and GET /metrics.

With `kabinet serve` every worker is a process of its own: each writes its samples to
files in PROMETHEUS_MULTIPROC_DIR (which `kabinet serve` creates, see
gateway/metrics_dir.py) and a scrape of any worker sums them all. Without that variable
(tests, one in-process app) the samples live in this process's default registry.

Kept cheap per request: a few label look-ups and observations once the request is over,
nothing inside resolvers but the two counters the database wrapper adds to."""

from __future__ import annotations

import hmac
import os
import time
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.logs import log_access
from gateway.observe import RequestRecord, begin_record, end_record, operation_label

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_STATEMENT_BUCKETS = (0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 100)

GRAPHQL_REQUESTS = Counter(
    "kabinet_graphql_requests",
    "GraphQL requests over HTTP by operation name and outcome (ok, error, failed)",
    ["operation", "outcome"],
)
GRAPHQL_SECONDS = Histogram(
    "kabinet_graphql_request_seconds",
    "Time from a GraphQL request's first byte to its response, by operation name",
    ["operation"],
    buckets=_LATENCY_BUCKETS,
)
HTTP_REQUESTS = Counter(
    "kabinet_http_requests", "HTTP requests by route and status code", ["route", "status"]
)
GRAPHQL_ERRORS = Counter(
    "kabinet_graphql_errors", "Errors in GraphQL answers by extensions.code", ["code"]
)
SQL_STATEMENTS = Histogram(
    "kabinet_sql_statements_per_request",
    "SQL statements one HTTP request sent",
    buckets=_STATEMENT_BUCKETS,
)
SQL_SECONDS = Histogram(
    "kabinet_sql_seconds_per_request",
    "Time one HTTP request spent waiting on SQL statements",
    buckets=_LATENCY_BUCKETS,
)
RATE_LIMIT_REFUSALS = Counter(
    "kabinet_rate_limit_refusals",
    "Operations refused by the request rate limits (RATE_LIMITED), by transport",
    ["transport"],
)
SUBSCRIPTIONS_ACTIVE = Gauge(
    "kabinet_subscriptions_active",
    "Subscriptions running now, over all workers",
    multiprocess_mode="livesum",  # a dead worker's subscriptions are gone with it
)
JOB_RUNS = Counter("kabinet_job_runs", "Background job runs by job and outcome", ["job", "outcome"])
JOB_FAILURES = Counter("kabinet_job_failures", "Background job passes that raised, by job", ["job"])

# Route labels are this fixed set: a path a scanner makes up must not become a series.
_ROUTES = frozenset(
    {"/graphql", "/oauth/token", "/internal/usage", "/healthz", "/readyz", "/metrics"}
)


class RequestObserverMiddleware:
    """Pure ASGI, outermost but one (inside the request id, which its lines carry): times
    every HTTP request, then records it in the metrics and writes its access log line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        record, token = begin_record(scope["path"], scope["method"])

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                record.status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        except BaseException:
            record.status = record.status or 500
            raise
        finally:
            record.duration = time.perf_counter() - started
            end_record(token)
            observe_request(record)
            log_access(record)


# `.labels()` takes a lock and builds its key on every call (a few µs, half the cost of
# recording a request): the children are looked up here instead. Bounded, as the labels.
_children: dict[tuple[object, ...], Any] = {}


def _child(metric: Any, *labels: str) -> Any:
    key = (id(metric), *labels)
    child = _children.get(key)
    if child is None:
        child = _children[key] = metric.labels(*labels)
    return child


def observe_request(record: RequestRecord) -> None:
    route = record.path if record.path in _ROUTES else "other"
    _child(HTTP_REQUESTS, route, str(record.status)).inc()
    SQL_STATEMENTS.observe(record.sql_statements)
    SQL_SECONDS.observe(record.sql_seconds)
    if route != "/graphql" or not record.operation_type:
        return  # the IDE page, a body that was not GraphQL: counted above only
    operation = operation_label(record.operation)
    _child(GRAPHQL_REQUESTS, operation, record.outcome).inc()
    _child(GRAPHQL_SECONDS, operation).observe(record.duration)
    for code in record.error_codes:
        _child(GRAPHQL_ERRORS, code).inc()


def metrics_endpoint(token: str | None, *, open_without_token: bool) -> object:
    async def metrics(request: Request) -> Response:
        if token is None and not open_without_token:
            return JSONResponse(
                {
                    "errors": [
                        {
                            "message": "Metrics are off (set METRICS_TOKEN).",
                            "extensions": {"code": "NOT_FOUND"},
                        }
                    ]
                },
                404,
            )
        if token is not None:
            scheme, _, given = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                given.strip().encode(), token.encode()
            ):
                return JSONResponse(
                    {
                        "errors": [
                            {
                                "message": "A valid metrics token is required.",
                                "extensions": {"code": "UNAUTHENTICATED"},
                            }
                        ]
                    },
                    401,
                )
        # Reading every worker's files is blocking disk work: off the event loop.
        body = await run_in_threadpool(render)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return metrics


def render() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)
