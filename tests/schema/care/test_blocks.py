"""blockNumber and unblockNumber, as each viewer kind; what a blocked number may still do;
the worker lifting a voluntary block once it ends."""

from datetime import timedelta

import pytest
from strawberry.relay import to_base64

from models import (
    Balance,
    Notification,
    NotificationTopic,
    Number,
    NumberStatus,
    Operation,
    OperationKind,
)
from resolvers.care.blocks import lift_block, lift_ended_blocks
from tests.schema.operations.world import NOW, build_world

BLOCK = """
mutation($input: BlockNumberInput!) { blockNumber(input: $input) {
  operation { kind status actorRole } number { status block { reason since until } } } }
"""
UNBLOCK = """
mutation($m: String!) { unblockNumber(msisdn: $m) {
  operation { kind status actorRole } number { status block { reason } } } }
"""
SHOW = "query($m: String!) { number(msisdn: $m) { status block { reason since until } } }"
CHANGE = """
mutation($input: ChangeTariffInput!) { changeTariff(input: $input) { operation { status } } }
"""
CONNECT = """
mutation($input: ConnectServiceInput!) { connectService(input: $input) { operation { status } } }
"""
TOP_UP = """
mutation($m: String!) { topUp(input: { msisdn: $m, amount: "100.00", idempotencyKey: "blocked-1",
                                        cardToken: "tok_visa" }) { payment { status } } }
"""
UNTIL = NOW + timedelta(days=30)


@pytest.fixture
async def world(viewers, services):
    services.clock = lambda: NOW
    return await build_world(viewers)


def block(world, reason="VOLUNTARY", until=UNTIL, **extra):
    variables = {"msisdn": world.number.msisdn, "reason": reason, **extra}
    if until is not None:
        variables["until"] = until.isoformat()
    return {"input": variables}


async def test_block_voluntary_as_owner_shows_on_the_number(gql, world):
    result = await gql(BLOCK, block(world), token=world.tokens["owner"])
    payload = result.ok()["blockNumber"]
    assert payload["operation"] == {"kind": "BLOCK", "status": "COMPLETED", "actorRole": "OWNER"}
    assert payload["number"] == {
        "status": "BLOCKED",
        "block": {"reason": "VOLUNTARY", "since": NOW.isoformat(), "until": UNTIL.isoformat()},
    }
    stored = await Number.get(id=world.number.id)
    operation = await Operation.get(number_id=world.number.id)
    assert stored.block_operation_id == operation.id
    assert operation.details == {"reason": "VOLUNTARY", "until": UNTIL.isoformat()}


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        ("user", "NUMBER_USER"),
        ("full_delegate", "DELEGATE"),
        ("partner_with_manage", "PARTNER_APP"),
    ],
)
async def test_block_lost_and_unblock_as_user_full_delegate_and_partner(gql, world, kind, role):
    token = world.tokens[kind]
    blocked = await gql(BLOCK, block(world, "LOST", None), token=token)
    assert blocked.ok()["blockNumber"]["number"]["block"]["until"] is None
    assert blocked.ok()["blockNumber"]["operation"]["actorRole"] == role
    lifted = await gql(UNBLOCK, {"m": world.number.msisdn}, token=token)
    assert lifted.ok()["unblockNumber"] == {
        "operation": {"kind": "UNBLOCK", "status": "COMPLETED", "actorRole": role},
        "number": {"status": "ACTIVE", "block": None},
    }
    kinds = await Operation.all().order_by("id").values_list("kind", flat=True)
    assert kinds == [OperationKind.BLOCK, OperationKind.UNBLOCK]


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("topup_delegate", "FORBIDDEN"),
        ("partner_without_manage", "FORBIDDEN"),
        ("stranger", "NOT_FOUND"),
        ("anonymous", "UNAUTHENTICATED"),
    ],
)
async def test_block_and_unblock_as_topup_delegate_partner_without_manage_stranger_anonymous(
    gql, world, kind, code
):
    token = world.tokens[kind]
    assert (await gql(BLOCK, block(world), token=token)).error_codes == [code]
    assert (await gql(UNBLOCK, {"m": world.number.msisdn}, token=token)).error_codes == [code]
    assert (await Number.get(id=world.number.id)).status is NumberStatus.ACTIVE
    assert not await Operation.exists()


async def test_block_status_is_hidden_from_a_topup_delegate(gql, world):
    await gql(BLOCK, block(world), token=world.tokens["owner"])
    result = await gql(SHOW, {"m": world.number.msisdn}, token=world.tokens["topup_delegate"])
    assert result.error_codes == ["FORBIDDEN", "FORBIDDEN"]


async def test_block_voluntary_longer_than_90_days_names_the_limit(gql, world):
    result = await gql(
        BLOCK, block(world, until=NOW + timedelta(days=91)), token=world.tokens["owner"]
    )
    assert result.error_codes == ["BAD_USER_INPUT"]
    error = result.errors[0]
    assert error["message"] == (
        "A voluntary block lasts at most 90 days: until must be no later than 2027-02-14 00:00 UTC."
    )
    assert error["extensions"]["reason"] == "BLOCK_TOO_LONG"
    assert error["extensions"]["maxDays"] == 90
    assert not await Operation.exists()


@pytest.mark.parametrize(
    ("reason", "until", "message"),
    [
        ("VOLUNTARY", None, "A voluntary block needs until: when it ends."),
        ("VOLUNTARY", NOW - timedelta(minutes=1), "until must be in the future."),
        (
            "LOST",
            UNTIL,
            "A lost-SIM block holds until the number is unblocked: leave until empty.",
        ),
    ],
)
async def test_block_with_a_wrong_until_is_bad_input(gql, world, reason, until, message):
    result = await gql(BLOCK, block(world, reason, until), token=world.tokens["user"])
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["message"] == message
    assert result.errors[0]["extensions"]["field"] == "until"


async def test_block_twice_says_it_is_already_blocked_and_until_when(gql, world):
    token = world.tokens["owner"]
    assert (await gql(BLOCK, block(world), token=token)).ok()
    again = await gql(BLOCK, block(world, "LOST", None), token=token)
    assert again.error_codes == ["CONFLICT"]
    assert again.errors[0]["message"] == (
        "The number is already blocked until 2026-12-16 00:00 UTC."
    )
    assert again.errors[0]["extensions"]["reason"] == "ALREADY_BLOCKED"


async def test_unblock_a_number_that_is_not_blocked_is_a_conflict(gql, world):
    result = await gql(UNBLOCK, {"m": world.number.msisdn}, token=world.tokens["owner"])
    assert result.error_codes == ["CONFLICT"]
    assert result.errors[0]["extensions"]["reason"] == "NOT_BLOCKED"


async def test_block_replayed_key_answers_the_first_operation(gql, world):
    token = world.tokens["owner"]
    first = await gql(BLOCK, block(world, idempotencyKey="block-1"), token=token)
    again = await gql(BLOCK, block(world, idempotencyKey="block-1"), token=token)
    assert again.ok()["blockNumber"]["operation"] == first.ok()["blockNumber"]["operation"]
    assert await Operation.all().count() == 1


async def test_blocked_number_refuses_tariff_and_services_saying_until_when(gql, world):
    token = world.tokens["owner"]
    assert (await gql(BLOCK, block(world), token=token)).ok()
    tariff = await gql(
        CHANGE,
        {
            "input": {
                "msisdn": world.number.msisdn,
                "tariffId": to_base64("Tariff", world.tariffs["smart"].id),
                "idempotencyKey": "t-1",
            }
        },
        token=token,
    )
    service = await gql(
        CONNECT,
        {
            "input": {
                "msisdn": world.number.msisdn,
                "serviceId": to_base64("Service", world.services["beep"].id),
            }
        },
        token=token,
    )
    for refused in (tariff, service):
        assert refused.error_codes == ["CONFLICT"]
        error = refused.errors[0]
        assert error["message"] == (
            "The number is blocked until 2026-12-16 00:00 UTC: unblock it first."
        )
        assert error["extensions"]["reason"] == "NUMBER_NOT_ACTIVE"
        assert error["extensions"]["blockedUntil"] == UNTIL.isoformat()


async def test_lost_block_refusal_says_it_holds_until_unblocked(gql, world):
    token = world.tokens["user"]
    assert (await gql(BLOCK, block(world, "LOST", None), token=token)).ok()
    refused = await gql(
        CONNECT,
        {
            "input": {
                "msisdn": world.number.msisdn,
                "serviceId": to_base64("Service", world.services["beep"].id),
            }
        },
        token=token,
    )
    assert refused.errors[0]["message"] == (
        "The number is blocked as lost until it is unblocked: unblock it first."
    )


async def test_blocked_number_can_still_be_topped_up_and_read(gql, world):
    assert (await gql(BLOCK, block(world), token=world.tokens["owner"])).ok()
    topped = await gql(TOP_UP, {"m": world.number.msisdn}, token=world.tokens["topup_delegate"])
    assert topped.ok()["topUp"]["payment"]["status"] == "SUCCEEDED"
    assert (await Balance.get(number_id=world.number.id)).amount == 100_000 + 10_000
    shown = await gql(SHOW, {"m": world.number.msisdn}, token=world.tokens["user"])
    assert shown.ok()["number"]["status"] == "BLOCKED"


async def test_worker_lifts_an_ended_voluntary_block_once(gql, world):
    assert (await gql(BLOCK, block(world), token=world.tokens["user"])).ok()
    assert await lift_ended_blocks(UNTIL - timedelta(seconds=1)) == []
    lifted = await lift_ended_blocks(UNTIL)
    assert [block.number_id for block in lifted] == [world.number.id]
    assert await lift_ended_blocks(UNTIL + timedelta(hours=1)) == []
    number = await Number.get(id=world.number.id)
    assert (number.status, number.block_reason, number.blocked_until) == (
        NumberStatus.ACTIVE,
        None,
        None,
    )
    unblock = await Operation.get(kind=OperationKind.UNBLOCK)
    assert (unblock.actor_role, unblock.status) == ("SYSTEM", "COMPLETED")
    assert unblock.details["ended"] is True
    ended = await Notification.filter(subject__contains="has ended").count()
    assert ended == 2  # the owner and the user


async def test_block_by_the_owner_tells_the_user_not_the_owner(gql, world):
    assert (await gql(BLOCK, block(world), token=world.tokens["owner"])).ok()
    told = await Notification.filter(topic=NotificationTopic.BLOCKS).values_list(
        "subscriber_id", "subject"
    )
    assert told == [
        (
            world.number.user_id,
            f"{world.number.msisdn}: The number is blocked until 2026-12-16 00:00 UTC",
        )
    ]


async def test_worker_leaves_lost_blocks_and_a_block_set_again(gql, world):
    token = world.tokens["owner"]
    assert (await gql(BLOCK, block(world), token=token)).ok()
    stale = await Number.get(id=world.number.id)
    assert (await gql(UNBLOCK, {"m": world.number.msisdn}, token=token)).ok()
    assert (await gql(BLOCK, block(world, "LOST", None), token=token)).ok()
    assert await lift_ended_blocks(UNTIL + timedelta(days=1)) == []
    # A claim made with the first block's operation no longer matches the row.
    assert not await lift_block(world.number.id, stale.block_operation_id)
    assert (await Number.get(id=world.number.id)).status is NumberStatus.BLOCKED


async def test_unblock_a_number_blocked_before_blocks_were_recorded(gql, world):
    await Number.filter(id=world.number.id).update(status=NumberStatus.BLOCKED)
    result = await gql(UNBLOCK, {"m": world.number.msisdn}, token=world.tokens["owner"])
    assert result.ok()["unblockNumber"]["number"] == {"status": "ACTIVE", "block": None}
