"""A home contract's tariff change and TV packages, as each viewer kind: home tariffs and
services only, TV packages only with TV, each one in the request history."""

import pytest
from strawberry.relay import to_base64

from models import HomeContract, LedgerEntry, Number, NumberService, Operation
from resolvers.money.ledger import verify
from resolvers.operations.scheduled import switch_due_tariffs
from tests.schema.home.world import MAY_ACT, MAY_NOT_ACT, NOW, PERIOD_END, build_home_world

CHANGE = """
mutation($input: ChangeTariffInput!) { changeTariff(input: $input) {
  operation { kind status actorRole fee { amount } tariff { name } scheduledFor }
  number { msisdn }
  line { ... on HomeContract { contractNumber tariff { name segment speedMbps tvChannels }
                               balance { amount } } } } }
"""
CONNECT = """
mutation($input: ConnectServiceInput!) { connectService(input: $input) {
  operation { kind status actorRole service { code } }
  line { ... on HomeContract { tvPackages { service { code segment } } } } } }
"""
DISCONNECT = """
mutation($input: DisconnectServiceInput!) { disconnectService(input: $input) {
  operation { kind actorRole } line { ... on HomeContract { tvPackages { service { code } } } } } }
"""
CANCEL = """
mutation($c: String!) { cancelTariffChange(contractNumber: $c) { operation { status } } }
"""
HISTORY = """
query { viewer { lines { ... on HomeContract { requests { edges { node {
  kind actorRole summary } } } } } } }
"""
CATALOGUE = """
{ mobile: tariffs { code } home: tariffs(filter: { segment: HOME }) { code segment }
  tv: services(filter: { segment: HOME, category: "TV_PACKAGE" }) { code segment }
  phones: services { code } }
"""


@pytest.fixture
async def world(viewers, services):
    services.clock = lambda: NOW
    return await build_home_world(viewers)


def change_input(world, tariff="home-500-tv", key="home-tariff-1", **more):
    return {
        "input": {
            "contractNumber": world.contract_number,
            "tariffId": to_base64("Tariff", world.tariffs[tariff].id),
            "idempotencyKey": key,
            **more,
        }
    }


def service_input(world, code="tv-kino", **line):
    return {
        "input": {
            **(line or {"contractNumber": world.contract_number}),
            "serviceId": to_base64("Service", world.services[code].id),
        }
    }


async def test_the_catalogue_lists_mobile_tariffs_unless_home_ones_are_asked_for(gql, world):
    data = (await gql(CATALOGUE)).ok()
    assert data["mobile"] == [{"code": "basic"}]
    assert {t["code"] for t in data["home"]} == {"home-100", "home-500-tv"}
    assert {t["segment"] for t in data["home"]} == {"HOME"}
    assert data["tv"] == [{"code": "tv-kino", "segment": "HOME"}]
    assert data["phones"] == [{"code": "anti-spam"}]


async def test_owner_changes_the_contracts_tariff_now_paying_the_rest_of_the_period(gql, world):
    result = await gql(CHANGE, change_input(world), token=world.tokens["owner"])
    payload = result.ok()["changeTariff"]
    # Half of the 30-day period is left: half of 900.00.
    assert payload["operation"] == {
        "kind": "TARIFF_CHANGE",
        "status": "COMPLETED",
        "actorRole": "OWNER",
        "fee": {"amount": "450.00"},
        "tariff": {"name": "Домашний 500 + ТВ"},
        "scheduledFor": None,
    }
    assert payload["number"] is None  # a contract is not a Number: see line
    assert payload["line"] == {
        "contractNumber": world.contract_number,
        "tariff": {
            "name": "Домашний 500 + ТВ",
            "segment": "HOME",
            "speedMbps": 500,
            "tvChannels": 200,
        },
        "balance": {"amount": "550.00"},
    }
    assert (await verify())[1] == []
    history = (await gql(HISTORY, token=world.tokens["owner"])).ok()["viewer"]["lines"]
    [node] = [edge["node"] for line in history if line for edge in line["requests"]["edges"]]
    assert node == {
        "kind": "TARIFF_CHANGE",
        "actorRole": "OWNER",
        "summary": "Смена тарифа: «Домашний 100» → «Домашний 500 + ТВ»",
    }


async def test_a_change_at_the_next_period_is_scheduled_cancelled_and_switched(gql, world):
    token = world.tokens["user"]
    variables = change_input(world, effective="NEXT_PERIOD")
    result = await gql(CHANGE, variables, token=token)
    operation = result.ok()["changeTariff"]["operation"]
    assert operation["status"] == "CREATED"
    assert operation["scheduledFor"].startswith(PERIOD_END.date().isoformat())
    assert not await LedgerEntry.filter(number_id=world.contract.id, kind="FEE").exists()
    cancelled = await gql(CANCEL, {"c": world.contract_number}, token=token)
    assert cancelled.ok()["cancelTariffChange"]["operation"]["status"] == "CANCELLED"
    again = change_input(world, key="home-tariff-2", effective="NEXT_PERIOD")
    assert (await gql(CHANGE, again, token=token)).ok()
    [switched] = await switch_due_tariffs(PERIOD_END)
    assert switched.status == "COMPLETED"
    line = await Number.get(id=world.contract.id)
    assert line.tariff_id == world.tariffs["home-500-tv"].id


@pytest.mark.parametrize(("kind", "role"), MAY_ACT)
async def test_the_contracts_user_delegate_and_partner_change_its_tariff(gql, world, kind, role):
    result = await gql(CHANGE, change_input(world), token=world.tokens[kind])
    assert result.ok()["changeTariff"]["operation"]["actorRole"] == role


@pytest.mark.parametrize(("kind", "code"), MAY_NOT_ACT)
async def test_topup_delegate_partner_without_manage_and_stranger_cannot_change_it(
    gql, world, kind, code
):
    result = await gql(CHANGE, change_input(world), token=world.tokens[kind])
    assert result.error_codes == [code]
    assert not await Operation.exists()


async def test_a_mobile_tariff_for_a_contract_is_refused_naming_the_segment(gql, world):
    result = await gql(CHANGE, change_input(world, "basic"), token=world.tokens["owner"])
    assert result.error_codes == ["BAD_USER_INPUT"]
    error = result.errors[0]
    assert error["message"] == (
        "«Базовый» is a mobile tariff: home contracts take home tariffs only."
    )
    assert error["extensions"]["reason"] == "WRONG_SEGMENT"
    assert error["extensions"]["field"] == "tariffId"
    assert not await Operation.exists()


async def test_a_home_tariff_for_a_phone_number_is_refused(gql, world):
    variables = change_input(world)
    del variables["input"]["contractNumber"]
    variables["input"]["msisdn"] = world.phone.msisdn
    result = await gql(CHANGE, variables, token=world.tokens["owner"])
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["message"] == (
        "«Домашний 500 + ТВ» is a home tariff: phone numbers take mobile tariffs only."
    )


@pytest.mark.parametrize(("kind", "role"), MAY_ACT)
async def test_tv_packages_on_and_off_as_owner_user_delegate_and_partner(gql, world, kind, role):
    token = world.tokens[kind]
    on = (await gql(CONNECT, service_input(world), token=token)).ok()["connectService"]
    assert on == {
        "operation": {
            "kind": "SERVICE_CONNECT",
            "status": "COMPLETED",
            "actorRole": role,
            "service": {"code": "tv-kino"},
        },
        "line": {"tvPackages": [{"service": {"code": "tv-kino", "segment": "HOME"}}]},
    }
    off = (await gql(DISCONNECT, service_input(world), token=token)).ok()["disconnectService"]
    assert off == {
        "operation": {"kind": "SERVICE_DISCONNECT", "actorRole": role},
        "line": {"tvPackages": []},
    }
    kinds = await Operation.filter(number_id=world.contract.id).values_list("kind", flat=True)
    assert sorted(kinds) == ["SERVICE_CONNECT", "SERVICE_DISCONNECT"]


@pytest.mark.parametrize(("kind", "code"), MAY_NOT_ACT)
async def test_topup_delegate_partner_without_manage_and_stranger_cannot_touch_tv_packages(
    gql, world, kind, code
):
    token = world.tokens[kind]
    assert (await gql(CONNECT, service_input(world), token=token)).error_codes == [code]
    assert (await gql(DISCONNECT, service_input(world), token=token)).error_codes == [code]
    assert not await NumberService.exists()


async def test_other_services_on_a_contract_are_not_tv_packages(gql, world):
    token = world.tokens["owner"]
    result = await gql(CONNECT, service_input(world, "static-ip"), token=token)
    assert result.ok()["connectService"]["line"] == {"tvPackages": []}


async def test_a_tv_package_on_a_contract_without_tv_is_a_conflict(gql, world):
    await HomeContract.filter(line_id=world.contract.id).update(tv=False)
    result = await gql(CONNECT, service_input(world), token=world.tokens["owner"])
    assert result.error_codes == ["CONFLICT"]
    assert result.errors[0]["extensions"]["reason"] == "NO_TV"
    assert result.errors[0]["message"] == "«Кино» is a TV package, and this contract has no TV."


async def test_mobile_services_on_a_contract_and_tv_packages_on_a_number_are_refused(gql, world):
    token = world.tokens["owner"]
    mobile = await gql(CONNECT, service_input(world, "anti-spam"), token=token)
    assert mobile.error_codes == ["BAD_USER_INPUT"]
    assert mobile.errors[0]["extensions"]["reason"] == "WRONG_SEGMENT"
    assert mobile.errors[0]["message"] == (
        "«Антиспам» is a mobile service: home contracts take home services only."
    )
    on_phone = service_input(world, "tv-kino", msisdn=world.phone.msisdn)
    tv = await gql(CONNECT, on_phone, token=token)
    assert tv.errors[0]["message"] == (
        "«Кино» is a home service: phone numbers take mobile services only."
    )
    off = await gql(DISCONNECT, on_phone, token=token)
    assert off.errors[0]["extensions"]["reason"] == "WRONG_SEGMENT"
    assert not await NumberService.exists()
