from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST

from gateway.app import create_app
from gateway.config import Settings
from resolvers.identity.passwords import use_hasher
from tests.support.database import database_url_for_tests, empty_all_tables, migrated_database
from tests.support.graphql import GraphQLClient

# argon2id all the same, with parameters cheap enough for hundreds of hashes per test run.
use_hasher(PasswordHasher.from_parameters(CHEAPEST))


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    async with migrated_database(database_url_for_tests()) as url:
        yield url


@pytest.fixture(autouse=True)
async def clean_database(database_url: str) -> None:
    await empty_all_tables()


@pytest.fixture
def settings(database_url: str, tmp_path) -> Settings:
    return Settings(database_url=database_url, sms_outbox_path=tmp_path / "sms-outbox.jsonl")


@pytest.fixture
async def http(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kabinet.test") as client:
        yield client


@pytest.fixture
def gql(http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(http)
