"""connectService and disconnectService, as each viewer kind, with every refusal."""

import pytest
from strawberry.relay import to_base64

from models import Balance, LedgerEntry, Number, NumberService, NumberStatus, Operation
from resolvers.money.ledger import verify
from tests.schema.operations.world import NOW, build_world, connect

CONNECT = """
mutation($input: ConnectServiceInput!) { connectService(input: $input) {
  operation { kind status actorRole fee { amount } service { code } }
  number { services { service { code } } balance { amount } } } }
"""
DISCONNECT = """
mutation($input: DisconnectServiceInput!) { disconnectService(input: $input) {
  operation { kind status actorRole service { code } } number { services { service { code } } } } }
"""


@pytest.fixture
async def world(viewers, services):
    services.clock = lambda: NOW
    return await build_world(viewers)


def service_input(world, code="beep", key=None):
    variables = {
        "msisdn": world.number.msisdn,
        "serviceId": to_base64("Service", world.services[code].id),
    }
    if key is not None:
        variables["idempotencyKey"] = key
    return {"input": variables}


async def connected_codes(world) -> list[str]:
    return sorted(
        await NumberService.filter(number_id=world.number.id).values_list(
            "service__code", flat=True
        )
    )


async def test_connect_service_as_owner_charges_the_connection_fee(gql, world):
    result = await gql(CONNECT, service_input(world), token=world.tokens["owner"])
    payload = result.ok()["connectService"]
    assert payload["operation"] == {
        "kind": "SERVICE_CONNECT",
        "status": "COMPLETED",
        "actorRole": "OWNER",
        "fee": {"amount": "50.00"},
        "service": {"code": "beep"},
    }
    assert payload["number"]["services"] == [{"service": {"code": "beep"}}]
    assert payload["number"]["balance"] == {"amount": "950.00"}
    entry = await LedgerEntry.get(number_id=world.number.id, kind="FEE")
    assert entry.reason == "Connection of «Гудок-мелодия»"
    assert (await verify())[1] == []


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        ("user", "NUMBER_USER"),
        ("full_delegate", "DELEGATE"),
        ("partner_with_manage", "PARTNER_APP"),
    ],
)
async def test_connect_and_disconnect_as_user_full_delegate_and_partner(gql, world, kind, role):
    token = world.tokens[kind]
    connected = await gql(CONNECT, service_input(world, "anti-spam"), token=token)
    assert connected.ok()["connectService"]["operation"]["actorRole"] == role
    dropped = await gql(DISCONNECT, service_input(world, "anti-spam"), token=token)
    assert dropped.ok()["disconnectService"] == {
        "operation": {
            "kind": "SERVICE_DISCONNECT",
            "status": "COMPLETED",
            "actorRole": role,
            "service": {"code": "anti-spam"},
        },
        "number": {"services": []},
    }
    assert await Operation.all().count() == 2


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("topup_delegate", "FORBIDDEN"),
        ("partner_without_manage", "FORBIDDEN"),
        ("stranger", "NOT_FOUND"),
        ("anonymous", "UNAUTHENTICATED"),
    ],
)
async def test_connect_and_disconnect_as_topup_delegate_partner_without_manage_stranger(
    gql, world, kind, code
):
    await connect(world, "caller-id")
    token = world.tokens[kind]
    assert (await gql(CONNECT, service_input(world), token=token)).error_codes == [code]
    assert (await gql(DISCONNECT, service_input(world, "caller-id"), token=token)).error_codes == [
        code
    ]
    assert await connected_codes(world) == ["caller-id"]
    assert not await Operation.exists()


async def test_connect_service_replayed_key_answers_first_and_charges_once(gql, world):
    token = world.tokens["owner"]
    first = await gql(CONNECT, service_input(world, key="beep-1"), token=token)
    again = await gql(CONNECT, service_input(world, key="beep-1"), token=token)
    assert again.ok()["connectService"]["operation"] == first.ok()["connectService"]["operation"]
    assert (await Balance.get(number_id=world.number.id)).amount == 100_000 - 5_000
    assert await LedgerEntry.filter(number_id=world.number.id, kind="FEE").count() == 1


async def test_connect_service_without_a_key_twice_is_a_conflict(gql, world):
    token = world.tokens["owner"]
    assert (await gql(CONNECT, service_input(world), token=token)).ok()
    again = await gql(CONNECT, service_input(world), token=token)
    assert again.error_codes == ["CONFLICT"]
    assert again.errors[0]["message"] == "«Гудок-мелодия» is already connected."


async def test_disconnect_service_not_connected_is_a_conflict(gql, world):
    result = await gql(DISCONNECT, service_input(world), token=world.tokens["owner"])
    assert result.error_codes == ["CONFLICT"]
    assert result.errors[0]["message"] == "«Гудок-мелодия» is not connected."


async def test_connect_service_the_tariff_does_not_fit_is_a_conflict(gql, world):
    result = await gql(
        CONNECT, service_input(world, "parental-control"), token=world.tokens["owner"]
    )
    assert result.error_codes == ["CONFLICT"]
    assert result.errors[0]["message"] == (
        "«Родительский контроль» cannot be connected on «Старт»."
    )


async def test_connect_service_excluded_by_a_connected_one_names_it(gql, world):
    await connect(world, "call-forwarding")
    result = await gql(CONNECT, service_input(world, "voicemail"), token=world.tokens["owner"])
    assert result.error_codes == ["CONFLICT"]
    error = result.errors[0]
    assert error["extensions"] == {
        "code": "CONFLICT",
        "reason": "EXCLUDED_BY_CONNECTED",
        "services": ["call-forwarding"],
    }
    assert "«Переадресация»" in error["message"]


async def test_connect_service_at_a_zero_balance_only_zero_balance_services(gql, world):
    await Balance.filter(number_id=world.number.id).update(amount=0)
    token = world.tokens["owner"]
    refused = await gql(CONNECT, service_input(world, "anti-spam"), token=token)
    assert refused.error_codes == ["CONFLICT"]
    assert refused.errors[0]["extensions"]["reason"] == "INSUFFICIENT_BALANCE"
    allowed = await gql(CONNECT, service_input(world, "call-me-back"), token=token)
    assert allowed.ok()["connectService"]["operation"]["status"] == "COMPLETED"


async def test_connect_service_with_a_balance_below_its_fee_is_a_conflict(gql, world):
    await Balance.filter(number_id=world.number.id).update(amount=4_000)
    result = await gql(CONNECT, service_input(world), token=world.tokens["owner"])
    assert result.error_codes == ["CONFLICT"]
    assert result.errors[0]["extensions"]["required"] == "50.00"


async def test_connect_service_on_a_blocked_number_is_a_conflict(gql, world):
    await Number.filter(id=world.number.id).update(status=NumberStatus.BLOCKED)
    result = await gql(CONNECT, service_input(world), token=world.tokens["owner"])
    assert result.error_codes == ["CONFLICT"]


async def test_connect_unknown_service_is_not_found_and_a_tariff_id_bad_input(gql, world):
    token = world.tokens["owner"]
    variables = service_input(world)
    variables["input"]["serviceId"] = to_base64("Service", 9999)
    assert (await gql(CONNECT, variables, token=token)).error_codes == ["NOT_FOUND"]
    variables["input"]["serviceId"] = to_base64("Tariff", world.tariffs["start"].id)
    assert (await gql(CONNECT, variables, token=token)).error_codes == ["BAD_USER_INPUT"]


async def test_connect_service_with_an_empty_key_is_bad_input(gql, world):
    result = await gql(CONNECT, service_input(world, key=" "), token=world.tokens["owner"])
    assert result.error_codes == ["BAD_USER_INPUT"]
