"""The Starlette application: routes, middleware and the database lifespan."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.config import Settings, load_settings
from gateway.db import DatabaseUnavailable, check_database, close_database, open_database
from gateway.graphql_view import KabinetGraphQL
from gateway.limits import BodySizeLimitMiddleware
from gateway.request_id import RequestIdMiddleware, configure_logging
from schema import schema

log = logging.getLogger("kabinet")


def create_app(settings: Settings | None = None, *, manage_database: bool = True) -> Starlette:
    """`manage_database=False` lets tests own the tortoise connection across requests."""
    settings = settings or load_settings()

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if manage_database:
            configure_logging()
            await open_database(settings.database_url)
            log.info(
                "kabinet started: env=%s database=%s shared state=%s",
                settings.env,
                "sqlite" if settings.is_sqlite else "postgresql",
                "redis" if settings.redis_url else "database/in-process (single host)",
            )
        try:
            yield
        finally:
            if manage_database:
                await close_database()

    async def healthz(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(_request: Request) -> JSONResponse:
        try:
            await check_database(settings.database_url)
        except DatabaseUnavailable:
            log.warning("readiness check: database unreachable")
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        return JSONResponse({"status": "ok", "database": "ok"})

    graphql = KabinetGraphQL(
        schema,
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
        allow_queries_via_get=True,
    )
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
        ],
        middleware=[Middleware(RequestIdMiddleware), Middleware(BodySizeLimitMiddleware)],
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app
