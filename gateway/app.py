"""The Starlette application: routes, middleware and the database lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute

from gateway import sql_observe
from gateway.auth import BearerAuth
from gateway.config import Settings, load_settings
from gateway.db import DatabaseUnavailable, check_database, close_database, open_database
from gateway.export_download import download_endpoint
from gateway.graphql_view import KabinetGraphQL
from gateway.internal_api import usage_endpoint
from gateway.limits import BodySizeLimitMiddleware
from gateway.logs import configure_logging
from gateway.metrics import RequestObserverMiddleware, metrics_endpoint
from gateway.oauth import token_endpoint
from gateway.pool_metrics import sample_pool_every
from gateway.request_id import RequestIdMiddleware
from gateway.services import build_services, close_services
from gateway.web import cabinet_routes
from gateway.worker import run_passes
from gateway.ws_limits import SubscriptionCaps
from schema import schema

log = logging.getLogger("kabinet")


def create_app(settings: Settings | None = None, *, manage_database: bool = True) -> Starlette:
    """`manage_database=False` lets tests own the tortoise connection across requests."""
    settings = settings or load_settings()
    services = build_services(settings)
    sql_observe.install()

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if manage_database:
            configure_logging()
            await open_database(settings.database_url)
            log.info(
                "kabinet started: env=%s database=%s lock-outs in %s, request rate limits in %s",
                settings.env,
                "sqlite" if settings.is_sqlite else "postgresql",
                "redis" if settings.redis_url else "the database",
                services.rate_limiter.description if services.rate_limiter else "nothing",
            )
        if services.events is not None:
            await services.events.start()  # logs how far live events travel
        stop_worker = asyncio.Event()
        worker = None
        if settings.inprocess_worker:
            # A single-machine install settles money without a second command.
            log.info("background worker runs in this process, every %s s", settings.worker_interval)
            worker = asyncio.create_task(
                run_passes(
                    services,
                    settings.worker_interval,
                    stop_worker,
                    delivery_interval=settings.notify_interval,
                ),
                name="worker",
            )
        pool_sampler = (
            asyncio.create_task(sample_pool_every(), name="pool-metrics")
            if manage_database
            else None
        )
        try:
            yield
        finally:
            if pool_sampler is not None:
                pool_sampler.cancel()
            stop_worker.set()
            if worker is not None:
                await worker  # a pass in flight finishes: its money writes are whole
            await close_services(services)
            if manage_database:
                await close_database()

    async def healthz(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(_request: Request) -> JSONResponse:
        checks = {"database": "ok"}
        try:
            await check_database(settings.database_url)
        except DatabaseUnavailable:
            checks["database"] = "unreachable"
        ping = getattr(services.counters, "ping", None)
        if ping is not None:
            try:
                await ping()
                checks["redis"] = "ok"
            except Exception:  # any client error means the same: not ready
                checks["redis"] = "unreachable"
        ready = all(state == "ok" for state in checks.values())
        if not ready:
            log.warning("readiness check failed: %s", checks)
        return JSONResponse(
            {"status": "ok" if ready else "unavailable", **checks}, 200 if ready else 503
        )

    subscription_caps = SubscriptionCaps(
        per_connection=settings.ws_max_subscriptions_per_connection,
        per_viewer=settings.ws_max_subscriptions_per_viewer,
    )
    graphql = KabinetGraphQL(
        schema,
        services=services,
        policy=settings.request_policy,
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
        allow_queries_via_get=True,
        # graphql-transport-ws: no connection_init in time closes with 4408; the caps.
        connection_init_wait_timeout=timedelta(seconds=settings.ws_init_timeout),
        max_subscriptions_per_connection=settings.ws_max_subscriptions_per_connection,
        subscription_caps=subscription_caps,
    )
    app = Starlette(
        routes=[
            # Every method reaches the view, which refuses all but GET and POST itself: as
            # JSON with a code and `Allow` (Starlette's own 405 is plain text).
            Route("/graphql", BearerAuth(graphql, services)),
            # Subscriptions (graphql-transport-ws): the token comes in connection_init.
            WebSocketRoute("/graphql", graphql),
            Route("/oauth/token", token_endpoint(services), methods=["POST"]),
            # Signed links to finished exports: no bearer token (a browser opens them).
            Route("/exports/{job_id}", download_endpoint(services), methods=["GET"]),
            Route(
                "/internal/usage",
                usage_endpoint(services, settings.internal_api_token),
                methods=["POST"],
            ),
            Route(
                "/metrics",
                metrics_endpoint(settings.metrics_token, open_without_token=not settings.is_prod),
                methods=["GET"],
            ),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            # The web cabinet (web/): a frontend like any other, on /graphql and /exports.
            *cabinet_routes(),
        ],
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(RequestObserverMiddleware),
            Middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.services = services
    app.state.subscription_caps = subscription_caps
    return app
