"""changeTariff and cancelTariffChange, as each viewer kind, with every refusal."""

import pytest
from strawberry.relay import to_base64

from models import (
    Balance,
    LedgerEntry,
    Number,
    NumberService,
    NumberStatus,
    Operation,
    OperationStatus,
)
from resolvers.money.ledger import verify
from tests.schema.operations.world import NOW, PERIOD_END, build_world, connect

CHANGE = """
mutation($input: ChangeTariffInput!) { changeTariff(input: $input) {
  operation { id kind status actorRole effective scheduledFor finishedAt fee { amount }
              tariff { code } previousTariff { code } droppedServices { code } }
  number { tariff { code } balance { amount } pendingTariffChange { id tariff { code } } } } }
"""
CANCEL = """
mutation($m: String!) { cancelTariffChange(msisdn: $m) {
  operation { status tariff { code } } number { pendingTariffChange { id } } } }
"""
PENDING = "query($m: String!) { number(msisdn: $m) { pendingTariffChange { status tariff { code } scheduledFor } } }"  # noqa: E501


@pytest.fixture
async def world(viewers, services):
    services.clock = lambda: NOW
    return await build_world(viewers)


def change(world, tariff="smart", key="change-1", **extra):
    tariff_id = to_base64("Tariff", world.tariffs[tariff].id)
    return {
        "input": {
            "msisdn": world.number.msisdn,
            "tariffId": tariff_id,
            "idempotencyKey": key,
            **extra,
        }
    }


async def balance_of(world) -> int:
    return (await Balance.get(number_id=world.number.id)).amount


async def test_change_tariff_now_as_owner_charges_the_rest_of_the_period_once(gql, world):
    result = await gql(CHANGE, change(world), token=world.tokens["owner"])
    payload = result.ok()["changeTariff"]
    operation = payload["operation"]
    assert operation["status"] == "COMPLETED"
    assert operation["actorRole"] == "OWNER"
    assert operation["effective"] == "NOW"
    # 550.00 RUB a month, half the period left
    assert operation["fee"] == {"amount": "275.00"}
    assert (operation["tariff"], operation["previousTariff"]) == (
        {"code": "smart"},
        {"code": "start"},
    )
    assert payload["number"]["tariff"] == {"code": "smart"}
    assert payload["number"]["balance"] == {"amount": "725.00"}
    assert await balance_of(world) == 100_000 - 27_500
    assert (await verify())[1] == []


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        ("user", "NUMBER_USER"),
        ("full_delegate", "DELEGATE"),
        ("partner_with_manage", "PARTNER_APP"),
    ],
)
async def test_change_tariff_as_user_full_delegate_and_partner_with_manage(gql, world, kind, role):
    result = await gql(CHANGE, change(world), token=world.tokens[kind])
    assert result.ok()["changeTariff"]["operation"]["actorRole"] == role
    stored = await Operation.get(number_id=world.number.id)
    if kind != "user":
        assert stored.grant_id is not None  # the grant that let them
    assert (await Number.get(id=world.number.id)).tariff_id == world.tariffs["smart"].id


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("topup_delegate", "FORBIDDEN"),
        ("partner_without_manage", "FORBIDDEN"),
        ("stranger", "NOT_FOUND"),
        ("anonymous", "UNAUTHENTICATED"),
    ],
)
async def test_change_tariff_as_topup_delegate_partner_without_manage_stranger_anonymous(
    gql, world, kind, code
):
    result = await gql(CHANGE, change(world), token=world.tokens[kind])
    assert result.error_codes == [code]
    assert not await Operation.exists()
    assert await balance_of(world) == 100_000


async def test_change_tariff_replayed_key_answers_first_and_charges_once(gql, world):
    token = world.tokens["owner"]
    first = (await gql(CHANGE, change(world), token=token)).ok()["changeTariff"]["operation"]
    again = (await gql(CHANGE, change(world), token=token)).ok()["changeTariff"]["operation"]
    assert again == first
    assert await balance_of(world) == 100_000 - 27_500
    assert await Operation.all().count() == 1


async def test_change_tariff_same_key_other_input_is_a_conflict(gql, world):
    token = world.tokens["owner"]
    assert (await gql(CHANGE, change(world), token=token)).ok()
    other = await gql(CHANGE, change(world, tariff="family"), token=token)
    assert other.error_codes == ["CONFLICT"]
    assert other.errors[0]["extensions"]["reason"] == "KEY_REUSED"


async def test_change_tariff_to_an_archived_tariff_says_it_cannot_be_chosen(gql, world):
    result = await gql(CHANGE, change(world, tariff="classic"), token=world.tokens["owner"])
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["reason"] == "TARIFF_ARCHIVED"
    assert "«Классический» is archived" in result.errors[0]["message"]


async def test_change_tariff_to_the_same_tariff_is_a_conflict(gql, world):
    result = await gql(CHANGE, change(world, tariff="start"), token=world.tokens["owner"])
    assert result.error_codes == ["CONFLICT"]
    assert result.errors[0]["message"] == "The number is already on «Старт»."


async def test_change_tariff_on_a_blocked_number_is_a_conflict(gql, world):
    await Number.filter(id=world.number.id).update(status=NumberStatus.BLOCKED)
    result = await gql(CHANGE, change(world), token=world.tokens["owner"])
    assert result.error_codes == ["CONFLICT"]
    assert result.errors[0]["message"] == "The number is blocked: unblock it first."


async def test_change_tariff_with_services_the_new_tariff_excludes_lists_them(gql, world):
    await connect(world, "caller-id", "anti-spam")
    result = await gql(CHANGE, change(world, tariff="data-sim"), token=world.tokens["owner"])
    assert result.error_codes == ["CONFLICT"]
    error = result.errors[0]
    assert error["extensions"]["services"] == ["caller-id", "anti-spam"]
    assert "«Определитель номера», «Защита от спама»" in error["message"]
    assert "disconnectIncompatible" in error["message"]


async def test_change_tariff_disconnecting_incompatible_drops_them_in_the_same_operation(
    gql, world
):
    await connect(world, "caller-id", "roaming-world")
    result = await gql(
        CHANGE,
        change(world, tariff="data-sim", disconnectIncompatible=True),
        token=world.tokens["owner"],
    )
    operation = result.ok()["changeTariff"]["operation"]
    assert operation["droppedServices"] == [{"code": "caller-id"}]
    left = await NumberService.filter(number_id=world.number.id).values_list(
        "service__code", flat=True
    )
    assert left == ["roaming-world"]


async def test_change_tariff_with_a_balance_below_the_first_fee_says_how_much(gql, world):
    await Balance.filter(number_id=world.number.id).update(amount=10_000)
    result = await gql(CHANGE, change(world, tariff="max"), token=world.tokens["owner"])
    assert result.error_codes == ["CONFLICT"]
    error = result.errors[0]
    assert error["extensions"]["reason"] == "INSUFFICIENT_BALANCE"
    assert error["extensions"]["required"] == "600.00"
    assert error["message"].startswith("The balance (100.00 RUB) is below the first fee of 600.00")


async def test_change_tariff_to_an_unknown_tariff_is_not_found(gql, world):
    variables = change(world)
    variables["input"]["tariffId"] = to_base64("Tariff", 9999)
    result = await gql(CHANGE, variables, token=world.tokens["owner"])
    assert result.error_codes == ["NOT_FOUND"]


async def test_change_tariff_with_a_service_id_is_bad_input(gql, world):
    variables = change(world)
    variables["input"]["tariffId"] = to_base64("Service", 1)
    result = await gql(CHANGE, variables, token=world.tokens["owner"])
    assert result.error_codes == ["BAD_USER_INPUT"]


async def test_change_tariff_next_period_is_pending_until_cancelled(gql, world):
    token = world.tokens["user"]
    result = await gql(CHANGE, change(world, effective="NEXT_PERIOD"), token=token)
    payload = result.ok()["changeTariff"]
    operation = payload["operation"]
    assert operation["status"] == "CREATED"
    assert operation["scheduledFor"] == PERIOD_END.isoformat()
    assert operation["fee"] is None
    assert payload["number"]["tariff"] == {"code": "start"}
    assert payload["number"]["pendingTariffChange"]["tariff"] == {"code": "smart"}
    assert await balance_of(world) == 100_000
    pending = await gql(PENDING, {"m": world.number.msisdn}, token=token)
    assert pending.ok()["number"]["pendingTariffChange"]["status"] == "CREATED"

    cancelled = await gql(CANCEL, {"m": world.number.msisdn}, token=token)
    assert cancelled.ok()["cancelTariffChange"] == {
        "operation": {"status": "CANCELLED", "tariff": {"code": "smart"}},
        "number": {"pendingTariffChange": None},
    }
    again = await gql(CANCEL, {"m": world.number.msisdn}, token=token)
    assert again.error_codes == ["CONFLICT"]
    assert again.errors[0]["extensions"]["reason"] == "NO_PENDING_CHANGE"


async def test_change_tariff_while_a_change_is_scheduled_is_a_conflict(gql, world):
    token = world.tokens["owner"]
    assert (await gql(CHANGE, change(world, effective="NEXT_PERIOD"), token=token)).ok()
    result = await gql(CHANGE, change(world, tariff="family", key="change-2"), token=token)
    assert result.error_codes == ["CONFLICT"]
    assert result.errors[0]["message"] == (
        "A change to «Смарт» is already scheduled: cancel it first."
    )


@pytest.mark.parametrize(
    ("kind", "code"),
    [("topup_delegate", "FORBIDDEN"), ("stranger", "NOT_FOUND"), ("anonymous", "UNAUTHENTICATED")],
)
async def test_cancel_tariff_change_as_topup_delegate_stranger_anonymous(gql, world, kind, code):
    assert await gql(CHANGE, change(world, effective="NEXT_PERIOD"), token=world.tokens["owner"])
    result = await gql(CANCEL, {"m": world.number.msisdn}, token=world.tokens[kind])
    assert result.error_codes == [code]
    assert (await Operation.get()).status == OperationStatus.CREATED


async def test_pending_tariff_change_as_topup_delegate_is_forbidden(gql, world):
    result = await gql(PENDING, {"m": world.number.msisdn}, token=world.tokens["topup_delegate"])
    assert result.error_codes == ["FORBIDDEN"]


async def test_change_tariff_now_writes_one_fee_entry_named_for_the_tariff(gql, world):
    assert (await gql(CHANGE, change(world), token=world.tokens["owner"])).ok()
    entry = await LedgerEntry.get(number_id=world.number.id, kind="FEE")
    assert (entry.amount, entry.reason) == (-27_500, "Tariff «Смарт» to the end of the period")


NODE = "query($id: ID!) { node(id: $id) { ... on Operation { kind status } } }"


async def test_operation_by_node_id_as_user_and_as_stranger_and_topup_delegate(gql, world):
    result = await gql(CHANGE, change(world), token=world.tokens["owner"])
    operation_id = result.ok()["changeTariff"]["operation"]["id"]
    seen = await gql(NODE, {"id": operation_id}, token=world.tokens["user"])
    assert seen.ok()["node"] == {"kind": "TARIFF_CHANGE", "status": "COMPLETED"}
    for kind in ("stranger", "topup_delegate"):
        hidden = await gql(NODE, {"id": operation_id}, token=world.tokens[kind])
        assert hidden.error_codes == ["NOT_FOUND"]
