"""setNumberLimits and removeNumberLimits, and the number's user held to the limits in the
tariff and service operations (the owner and delegates are not)."""

import asyncio

import pytest
from strawberry.relay import to_base64

from models import (
    Account,
    Balance,
    LedgerEntry,
    LedgerKind,
    Notification,
    NotificationTopic,
    NumberLimits,
    Operation,
    OperationKind,
)
from resolvers.money import ledger
from tests.schema.operations.world import NOW, build_world, connect

SET = """
mutation($input: NumberLimitsInput!) { setNumberLimits(input: $input) {
  operation { kind status actorRole }
  number { limits { monthlySpendCap { amount } forbiddenServiceCategories
                    userMayChangeTariff userMayConnectServices } } } }
"""
REMOVE = """
mutation($m: String!) { removeNumberLimits(msisdn: $m) {
  number { limits { userMayChangeTariff } } } }
"""
SHOW = "query($m: String!) { number(msisdn: $m) { limits { userMayChangeTariff } } }"
CHANGE = """
mutation($input: ChangeTariffInput!) { changeTariff(input: $input) {
  operation { status fee { amount } } } }
"""
CONNECT = """
mutation($input: ConnectServiceInput!) { connectService(input: $input) { operation { status } } }
"""
DISCONNECT = """
mutation($input: DisconnectServiceInput!) { disconnectService(input: $input) {
  operation { status } } }
"""


@pytest.fixture
async def world(viewers, services):
    services.clock = lambda: NOW
    return await build_world(viewers)


def limits(world, **values):
    return {"input": {"msisdn": world.number.msisdn, **values}}


def change(world, tariff="smart", key="t-1"):
    tariff_id = to_base64("Tariff", world.tariffs[tariff].id)
    return {"input": {"msisdn": world.number.msisdn, "tariffId": tariff_id, "idempotencyKey": key}}


def service(world, code):
    service_id = to_base64("Service", world.services[code].id)
    return {"input": {"msisdn": world.number.msisdn, "serviceId": service_id}}


async def set_limits(gql, world, **values):
    result = await gql(SET, limits(world, **values), token=world.tokens["owner"])
    return result.ok()["setNumberLimits"]


async def test_set_limits_as_owner_up_the_tree_the_user_sees_them(gql, world):
    payload = await set_limits(
        gql,
        world,
        monthlySpendCap="500.00",
        forbiddenServiceCategories=["entertainment", "roaming"],
        userMayChangeTariff=False,
    )
    assert payload["operation"] == {"kind": "LIMITS", "status": "COMPLETED", "actorRole": "OWNER"}
    expected = {
        "monthlySpendCap": {"amount": "500.00"},
        "forbiddenServiceCategories": ["entertainment", "roaming"],
        "userMayChangeTariff": False,
        "userMayConnectServices": True,
    }
    assert payload["number"]["limits"] == expected
    seen = await gql(SHOW, {"m": world.number.msisdn}, token=world.tokens["user"])
    assert seen.ok()["number"]["limits"] == {"userMayChangeTariff": False}
    stored = await NumberLimits.get(number_id=world.number.id)
    assert stored.monthly_spend_cap == 50_000


async def test_set_limits_again_replaces_them_and_remove_clears_them(gql, world):
    await set_limits(gql, world, userMayChangeTariff=False)
    again = await set_limits(gql, world, userMayConnectServices=False)
    assert again["number"]["limits"]["userMayChangeTariff"] is True
    removed = await gql(REMOVE, {"m": world.number.msisdn}, token=world.tokens["owner"])
    assert removed.ok()["removeNumberLimits"]["number"] == {"limits": None}
    assert await Operation.filter(kind=OperationKind.LIMITS).count() == 3
    assert not await NumberLimits.exists()


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("user", "FORBIDDEN"),
        ("full_delegate", "FORBIDDEN"),
        ("topup_delegate", "FORBIDDEN"),
        ("partner_with_manage", "FORBIDDEN"),
        ("partner_without_manage", "FORBIDDEN"),
        ("stranger", "NOT_FOUND"),
        ("anonymous", "UNAUTHENTICATED"),
    ],
)
async def test_set_and_remove_limits_below_owner_are_refused(gql, world, kind, code):
    token = world.tokens[kind]
    result = await gql(SET, limits(world, userMayChangeTariff=False), token=token)
    assert result.error_codes == [code]
    if code == "FORBIDDEN":
        assert result.errors[0]["extensions"]["requiredLevel"] == "OWNER"
    assert (await gql(REMOVE, {"m": world.number.msisdn}, token=token)).error_codes == [code]
    assert not await NumberLimits.exists()


async def test_limits_are_hidden_from_a_topup_delegate(gql, world):
    await set_limits(gql, world, userMayChangeTariff=False)
    result = await gql(SHOW, {"m": world.number.msisdn}, token=world.tokens["topup_delegate"])
    assert result.error_codes == ["FORBIDDEN"]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"forbiddenServiceCategories": ["gambling"]},
            "forbiddenServiceCategories",
            "No such service categories: gambling. The categories are: calls, entertainment, "
            "family, finance, internet, roaming, security, sms.",
        ),
    ],
)
async def test_set_limits_with_bad_values_is_bad_input(gql, world, values, field, message):
    result = await gql(SET, limits(world, **values), token=world.tokens["owner"])
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["message"] == message
    assert result.errors[0]["extensions"]["field"] == field
    assert not await Operation.exists()


@pytest.mark.parametrize("cap", ["-1.00", "1.005", "lots"])
async def test_set_limits_with_a_cap_that_is_no_amount_is_refused(gql, world, cap):
    result = await gql(SET, limits(world, monthlySpendCap=cap), token=world.tokens["owner"])
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert "monthlySpendCap" in result.errors[0]["message"]
    assert not await NumberLimits.exists()


async def test_user_tariff_change_refused_by_limits_and_the_owner_told(gql, world):
    await set_limits(gql, world, userMayChangeTariff=False)
    result = await gql(CHANGE, change(world), token=world.tokens["user"])
    assert result.error_codes == ["FORBIDDEN"]
    error = result.errors[0]
    assert error["message"] == (
        "The owner's limits on this number do not allow changing its tariff."
    )
    assert error["extensions"]["reason"] == "TARIFF_CHANGE_NOT_ALLOWED"
    assert await Operation.filter(kind=OperationKind.TARIFF_CHANGE).count() == 0
    owner_id = (await Account.get(id=world.number.account_id)).owner_id
    told = await Notification.get(topic=NotificationTopic.LIMITS)
    assert told.subscriber_id == owner_id
    assert told.subject == f"{world.number.msisdn}: A limit refused a change to «Смарт»"
    assert "do not allow changing its tariff" in told.text


@pytest.mark.parametrize("kind", ["owner", "full_delegate", "partner_with_manage"])
async def test_owner_and_delegates_are_not_held_by_the_limits(gql, world, kind):
    await set_limits(
        gql,
        world,
        monthlySpendCap="0.00",
        userMayChangeTariff=False,
        userMayConnectServices=False,
        forbiddenServiceCategories=["entertainment"],
    )
    token = world.tokens[kind]
    assert (await gql(CHANGE, change(world), token=token)).ok()
    assert (await gql(CONNECT, service(world, "beep"), token=token)).ok()
    assert not await Notification.filter(topic=NotificationTopic.LIMITS).exists()


async def test_user_connecting_a_forbidden_category_is_refused_naming_it(gql, world):
    await connect(world, "music")
    await set_limits(gql, world, forbiddenServiceCategories=["entertainment"])
    token = world.tokens["user"]
    refused = await gql(CONNECT, service(world, "beep"), token=token)
    assert refused.error_codes == ["FORBIDDEN"]
    error = refused.errors[0]
    assert error["extensions"]["reason"] == "SERVICE_CATEGORY_FORBIDDEN"
    assert error["extensions"]["category"] == "entertainment"
    assert "«Гудок-мелодия»" in error["message"]
    # Other categories still connect; a forbidden one already there may be dropped.
    assert (await gql(CONNECT, service(world, "anti-spam"), token=token)).ok()
    assert (await gql(DISCONNECT, service(world, "music"), token=token)).ok()


async def test_user_may_not_connect_or_disconnect_services_when_the_owner_says_so(gql, world):
    await connect(world, "caller-id")
    await set_limits(gql, world, userMayConnectServices=False)
    token = world.tokens["user"]
    for query, code in ((CONNECT, "anti-spam"), (DISCONNECT, "caller-id")):
        refused = await gql(query, service(world, code), token=token)
        assert refused.error_codes == ["FORBIDDEN"]
        assert refused.errors[0]["extensions"]["reason"] == "SERVICES_NOT_ALLOWED"


async def test_monthly_spend_cap_refuses_the_user_before_money_moves(gql, world):
    await set_limits(gql, world, monthlySpendCap="300.00")
    token = world.tokens["user"]
    # Smart for half the period: 275.00 of the 300.00
    changed = await gql(CHANGE, change(world), token=token)
    assert changed.ok()["changeTariff"]["operation"]["fee"] == {"amount": "275.00"}
    refused = await gql(CONNECT, service(world, "beep"), token=token)
    assert refused.error_codes == ["FORBIDDEN"]
    error = refused.errors[0]
    assert error["extensions"]["reason"] == "MONTHLY_SPEND_CAP"
    assert error["message"] == (
        "This costs 50.00 RUB, and 275.00 RUB of the monthly spend cap of 300.00 RUB set by "
        "the owner is already spent this month."
    )
    assert (await Balance.get(number_id=world.number.id)).amount == 100_000 - 27_500
    assert (await ledger.verify())[1] == []
    # A free service costs nothing against the cap.
    assert (await gql(CONNECT, service(world, "anti-spam"), token=token)).ok()


async def test_usage_charges_count_towards_the_cap_but_are_not_refused(gql, world):
    await set_limits(gql, world, monthlySpendCap="100.00")
    entry, posted = await ledger.post(
        ledger.Posting(world.number.id, LedgerKind.CHARGE, -9_000, "RUB", "usage-1"), NOW
    )
    assert posted and entry.amount == -9_000
    refused = await gql(CONNECT, service(world, "beep"), token=world.tokens["user"])
    assert refused.errors[0]["extensions"]["reason"] == "MONTHLY_SPEND_CAP"
    assert await LedgerEntry.filter(number_id=world.number.id, kind="FEE").count() == 0


async def test_user_may_not_cancel_the_owners_scheduled_change_under_the_limit(gql, world):
    scheduled = change(world)
    scheduled["input"]["effective"] = "NEXT_PERIOD"
    assert (await gql(CHANGE, scheduled, token=world.tokens["owner"])).ok()
    await set_limits(gql, world, userMayChangeTariff=False)
    cancel = "mutation($m: String!) { cancelTariffChange(msisdn: $m) { operation { status } } }"
    refused = await gql(cancel, {"m": world.number.msisdn}, token=world.tokens["user"])
    assert refused.errors[0]["extensions"]["reason"] == "TARIFF_CHANGE_NOT_ALLOWED"
    cancelled = await gql(cancel, {"m": world.number.msisdn}, token=world.tokens["owner"])
    assert cancelled.ok()["cancelTariffChange"]["operation"] == {"status": "CANCELLED"}


async def test_two_paid_operations_at_once_cannot_both_slip_under_the_cap(gql, world):
    await set_limits(gql, world, monthlySpendCap="300.00")
    token = world.tokens["user"]
    results = await asyncio.gather(
        gql(CHANGE, change(world), token=token),  # 275.00
        gql(CONNECT, service(world, "beep"), token=token),  # 50.00
    )
    codes = sorted(code for result in results for code in result.error_codes)
    assert codes == ["FORBIDDEN"]
    spent = await LedgerEntry.filter(number_id=world.number.id, kind="FEE").values_list(
        "amount", flat=True
    )
    assert len(spent) == 1 and -spent[0] <= 30_000
    assert (await ledger.verify())[1] == []


TAKE_TRUST = """
mutation($m: String!) { takeTrustPayment(msisdn: $m, amount: "50.00") { status } }
"""


async def test_trust_payment_fee_is_held_by_the_cap_for_the_user_not_the_owner(
    gql, viewers, services
):
    services.clock = lambda: NOW
    world = await build_world(viewers, balance=1_000)
    await set_limits(gql, world, monthlySpendCap="0.00")
    variables = {"m": world.number.msisdn}
    refused = await gql(TAKE_TRUST, variables, token=world.tokens["user"])
    assert refused.error_codes == ["FORBIDDEN"]
    assert refused.errors[0]["extensions"]["reason"] == "MONTHLY_SPEND_CAP"
    assert (await Balance.get(number_id=world.number.id)).amount == 1_000
    assert await Notification.filter(topic=NotificationTopic.LIMITS).count() == 1
    taken = await gql(TAKE_TRUST, variables, token=world.tokens["owner"])
    assert taken.ok()["takeTrustPayment"]["status"] == "ACTIVE"
