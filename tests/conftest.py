from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from redis.asyncio import Redis
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.config import Settings
from gateway.services import close_services
from resolvers.identity.passwords import use_hasher
from resolvers.services import Services
from tests.support.database import database_url_for_tests, empty_all_tables, migrated_database
from tests.support.graphql import GraphQLClient
from tests.support.twin_executor import Comparisons, answered_by_both_executors
from tests.support.viewers import Viewers

# argon2id all the same, with parameters cheap enough for hundreds of hashes per test run.
use_hasher(PasswordHasher.from_parameters(CHEAPEST))

TEST_REDIS_URL = os.environ.get("KABINET_TEST_REDIS_URL", "").strip() or None
# The product's 5 s request deadline, unless a slow harness (mutmut tracing every call on a
# busy machine, `make mutate`) needs more: a deadline hit there is not the mutant's doing.
TEST_REQUEST_TIMEOUT = float(os.environ.get("KABINET_TEST_REQUEST_TIMEOUT", "5"))


@pytest.fixture(scope="session", autouse=True)
def executor_comparisons() -> Iterator[Comparisons]:
    with answered_by_both_executors() as comparisons:
        yield comparisons


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    async with migrated_database(database_url_for_tests()) as url:
        yield url


@pytest.fixture(autouse=True)
async def clean_state(database_url: str) -> None:
    await empty_all_tables()
    if TEST_REDIS_URL:
        redis = Redis.from_url(TEST_REDIS_URL)
        await redis.flushdb()
        await redis.aclose()


@pytest.fixture
def settings(database_url: str, tmp_path) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=TEST_REDIS_URL,
        sms_outbox_path=tmp_path / "sms-outbox.jsonl",
        email_outbox_dir=tmp_path / "mail",
        export_storage_dir=tmp_path / "exports",
        request_timeout=TEST_REQUEST_TIMEOUT,
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    app = create_app(settings, manage_database=False)
    yield app
    await close_services(app.state.services)


@pytest.fixture
def services(app: Starlette) -> Services:
    return app.state.services


@pytest.fixture
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://kabinet.test") as client:
        yield client


@pytest.fixture
def gql(http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(http)


@pytest.fixture
def viewers(services: Services) -> Viewers:
    return Viewers(services)
