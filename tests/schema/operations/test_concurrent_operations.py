"""Operations sent at once on one number: one transaction each, serialised on the number,
so a key is used once and a fee charged once (on PostgreSQL for real)."""

import asyncio

import pytest
from strawberry.relay import to_base64

from models import Balance, LedgerEntry, NumberService, Operation
from resolvers.money.ledger import verify
from tests.schema.operations.world import NOW, build_world

CHANGE = """
mutation($input: ChangeTariffInput!) { changeTariff(input: $input) { operation { id } } }
"""
CONNECT = """
mutation($input: ConnectServiceInput!) { connectService(input: $input) { operation { id } } }
"""


@pytest.fixture
async def world(viewers, services):
    services.clock = lambda: NOW
    return await build_world(viewers)


async def test_ten_concurrent_tariff_changes_with_one_key_as_owner_charge_once(gql, world):
    variables = {
        "input": {
            "msisdn": world.number.msisdn,
            "tariffId": to_base64("Tariff", world.tariffs["smart"].id),
            "idempotencyKey": "same",
        }
    }
    token = world.tokens["owner"]
    results = await asyncio.gather(*[gql(CHANGE, variables, token=token) for _ in range(10)])
    ids = {r.ok()["changeTariff"]["operation"]["id"] for r in results}
    assert len(ids) == 1
    assert await Operation.all().count() == 1
    assert (await Balance.get(number_id=world.number.id)).amount == 100_000 - 27_500
    assert (await verify())[1] == []


async def test_ten_concurrent_connections_without_a_key_as_user_connect_once(gql, world):
    variables = {
        "input": {
            "msisdn": world.number.msisdn,
            "serviceId": to_base64("Service", world.services["beep"].id),
        }
    }
    token = world.tokens["user"]
    results = await asyncio.gather(*[gql(CONNECT, variables, token=token) for _ in range(10)])
    assert sum(1 for r in results if not r.errors) == 1
    assert sorted(r.error_codes for r in results if r.errors) == [["CONFLICT"]] * 9
    assert await NumberService.filter(number_id=world.number.id).count() == 1
    assert await LedgerEntry.filter(number_id=world.number.id, kind="FEE").count() == 1
