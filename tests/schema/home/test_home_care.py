"""A home contract's holiday block (voluntary, up to 90 days, free, lifting itself), as each
viewer kind; what has no meaning for a contract (a lost SIM, roaming, call forwarding,
parental limits) refused as bad input."""

from datetime import timedelta

import pytest
from strawberry.relay import to_base64

from models import Balance, LedgerEntry, Notification, NotificationTopic, Number, Operation
from resolvers.care.blocks import lift_ended_blocks
from tests.schema.home.world import MAY_ACT, MAY_NOT_ACT, NOW, build_home_world

UNTIL = NOW + timedelta(days=30)
BLOCK = """
mutation($input: BlockNumberInput!) { blockNumber(input: $input) {
  operation { kind status actorRole summary }
  line { ... on HomeContract { status block { reason until } } } } }
"""
UNBLOCK = """
mutation($c: String!) { unblockNumber(contractNumber: $c) {
  operation { kind actorRole } line { ... on HomeContract { status } } } }
"""
CHANGE = """
mutation($input: ChangeTariffInput!) { changeTariff(input: $input) { operation { status } } }
"""
FORWARDING = """
mutation($c: String!) { setCallForwarding(contractNumber: $c,
  rules: [{ condition: BUSY, to: "+79990000001" }]) { operation { kind } } }
"""
LIMITS = """
mutation($c: String!) { setNumberLimits(input: { contractNumber: $c,
  monthlySpendCap: "100.00" }) { operation { kind } } }
"""


@pytest.fixture
async def world(viewers, services):
    services.clock = lambda: NOW
    return await build_home_world(viewers)


def holiday(world, until=UNTIL, reason="VOLUNTARY"):
    until_text = until.isoformat() if until else None
    return {
        "input": {"contractNumber": world.contract_number, "reason": reason, "until": until_text}
    }


@pytest.mark.parametrize(("kind", "role"), MAY_ACT)
async def test_a_holiday_block_on_a_contract_as_owner_user_delegate_and_partner(
    gql, world, kind, role
):
    result = await gql(BLOCK, holiday(world), token=world.tokens[kind])
    payload = result.ok()["blockNumber"]
    assert payload["operation"] == {
        "kind": "BLOCK",
        "status": "COMPLETED",
        "actorRole": role,
        "summary": "Блокировка договора",
    }
    assert payload["line"]["status"] == "BLOCKED"
    assert payload["line"]["block"]["reason"] == "VOLUNTARY"
    # Free: no ledger entry beyond the opening balance.
    assert await LedgerEntry.filter(number_id=world.contract.id).count() == 1
    assert (await Balance.get(number_id=world.contract.id)).amount == 100_000


@pytest.mark.parametrize(("kind", "code"), MAY_NOT_ACT)
async def test_topup_delegate_partner_without_manage_and_stranger_cannot_block_it(
    gql, world, kind, code
):
    assert (await gql(BLOCK, holiday(world), token=world.tokens[kind])).error_codes == [code]
    assert (await Number.get(id=world.contract.id)).status == "ACTIVE"


async def test_a_holiday_longer_than_90_days_is_refused(gql, world):
    result = await gql(BLOCK, holiday(world, NOW + timedelta(days=91)), token=world.tokens["owner"])
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["reason"] == "BLOCK_TOO_LONG"


async def test_a_blocked_contract_refuses_a_tariff_change_saying_until_when(gql, world):
    token = world.tokens["owner"]
    assert (await gql(BLOCK, holiday(world), token=token)).ok()
    change = {
        "input": {
            "contractNumber": world.contract_number,
            "tariffId": to_base64("Tariff", world.tariffs["home-500-tv"].id),
            "idempotencyKey": "while-blocked",
        }
    }
    refused = await gql(CHANGE, change, token=token)
    assert refused.error_codes == ["CONFLICT"]
    assert refused.errors[0]["message"] == (
        "The contract is blocked until 2026-12-16 00:00 UTC: unblock it first."
    )
    again = await gql(BLOCK, holiday(world), token=token)
    assert (
        again.errors[0]["message"] == "The contract is already blocked until 2026-12-16 00:00 UTC."
    )


async def test_the_holder_and_the_user_are_told_of_the_block_by_the_contracts_number(gql, world):
    assert (await gql(BLOCK, holiday(world), token=world.tokens["full_delegate"])).ok()
    told = await Notification.filter(topic=NotificationTopic.BLOCKS).order_by("subscriber_id")
    assert {(n.subscriber_id, n.subject) for n in told} == {
        (
            person,
            f"Contract {world.contract_number}: The contract is blocked until 2026-12-16 00:00 UTC",
        )
        for person in (world.owner.id, world.contract.user_id)
    }


async def test_unblock_by_contract_number_and_the_worker_lifts_an_ended_holiday_once(gql, world):
    token = world.tokens["user"]
    assert (await gql(BLOCK, holiday(world), token=token)).ok()
    lifted = await gql(UNBLOCK, {"c": world.contract_number}, token=token)
    assert lifted.ok()["unblockNumber"] == {
        "operation": {"kind": "UNBLOCK", "actorRole": "NUMBER_USER"},
        "line": {"status": "ACTIVE"},
    }
    assert (await gql(BLOCK, holiday(world), token=token)).ok()
    assert await lift_ended_blocks(UNTIL - timedelta(seconds=1)) == []
    assert [b.number_id for b in await lift_ended_blocks(UNTIL)] == [world.contract.id]
    assert await lift_ended_blocks(UNTIL + timedelta(hours=1)) == []
    assert (await Number.get(id=world.contract.id)).status == "ACTIVE"
    kinds = await Operation.filter(number_id=world.contract.id).order_by("id")
    assert [(o.kind, o.actor_role) for o in kinds] == [
        ("BLOCK", "NUMBER_USER"),
        ("UNBLOCK", "NUMBER_USER"),
        ("BLOCK", "NUMBER_USER"),
        ("UNBLOCK", "SYSTEM"),
    ]


async def test_a_lost_sim_block_forwarding_and_limits_are_refused_on_a_contract(gql, world):
    token = world.tokens["owner"]
    lost = await gql(BLOCK, holiday(world, None, "LOST"), token=token)
    assert lost.error_codes == ["BAD_USER_INPUT"]
    assert lost.errors[0]["message"] == (
        "A LOST block (of a lost or stolen SIM) is for phone numbers, not home contracts."
    )
    for mutation in (FORWARDING, LIMITS):
        refused = await gql(mutation, {"c": world.contract_number}, token=token)
        assert refused.error_codes == ["BAD_USER_INPUT"]
        assert refused.errors[0]["extensions"]["field"] == "contractNumber"
    assert not await Operation.exists()
