"""An in-process gateway built from changed settings, for tests of configurable rules."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx

from gateway.app import create_app
from gateway.config import Settings
from gateway.services import close_services
from tests.support.graphql import GraphQLClient


@asynccontextmanager
async def gateway_with(settings: Settings, **changes: Any) -> AsyncIterator[GraphQLClient]:
    """`async with gateway_with(settings, env="prod") as gql:` — the test database, these
    settings changed."""
    app = create_app(replace(settings, **changes), manage_database=False)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://kabinet.test") as http:
            yield GraphQLClient(http)
    finally:
        await close_services(app.state.services)
