"""setRoaming and setCallForwarding, as each viewer kind, with every validation."""

import pytest

from models import NumberSettings, Operation, OperationKind
from tests.schema.operations.world import NOW, build_world

ROAMING = """
mutation($m: String!, $on: Boolean!) { setRoaming(msisdn: $m, enabled: $on) {
  operation { kind status actorRole } number { roaming } } }
"""
FORWARDING = """
mutation($m: String!, $rules: [CallForwardingRuleInput!]!) {
  setCallForwarding(msisdn: $m, rules: $rules) {
    operation { kind status actorRole } number { callForwarding { condition to delaySeconds } } } }
"""
SHOW = "query($m: String!) { number(msisdn: $m) { roaming callForwarding { condition to } } }"
TARGET = "+79161234567"


@pytest.fixture
async def world(viewers, services):
    services.clock = lambda: NOW
    return await build_world(viewers)


def rules(world, *items):
    return {"m": world.number.msisdn, "rules": list(items)}


async def test_roaming_is_off_until_the_owner_turns_it_on(gql, world):
    token = world.tokens["owner"]
    shown = await gql(SHOW, {"m": world.number.msisdn}, token=token)
    assert shown.ok()["number"] == {"roaming": False, "callForwarding": []}
    result = await gql(ROAMING, {"m": world.number.msisdn, "on": True}, token=token)
    assert result.ok()["setRoaming"] == {
        "operation": {"kind": "ROAMING", "status": "COMPLETED", "actorRole": "OWNER"},
        "number": {"roaming": True},
    }
    off = await gql(ROAMING, {"m": world.number.msisdn, "on": False}, token=token)
    assert off.ok()["setRoaming"]["number"] == {"roaming": False}
    details = await Operation.all().order_by("id").values_list("details", flat=True)
    assert details == [
        {"enabled": True, "was_enabled": False},
        {"enabled": False, "was_enabled": True},
    ]


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        ("user", "NUMBER_USER"),
        ("full_delegate", "DELEGATE"),
        ("partner_with_manage", "PARTNER_APP"),
    ],
)
async def test_roaming_and_forwarding_as_user_full_delegate_and_partner(gql, world, kind, role):
    token = world.tokens[kind]
    on = await gql(ROAMING, {"m": world.number.msisdn, "on": True}, token=token)
    assert on.ok()["setRoaming"]["operation"]["actorRole"] == role
    forwarded = await gql(
        FORWARDING, rules(world, {"condition": "BUSY", "to": TARGET}), token=token
    )
    assert forwarded.ok()["setCallForwarding"] == {
        "operation": {"kind": "CALL_FORWARDING", "status": "COMPLETED", "actorRole": role},
        "number": {"callForwarding": [{"condition": "BUSY", "to": TARGET, "delaySeconds": None}]},
    }


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("topup_delegate", "FORBIDDEN"),
        ("partner_without_manage", "FORBIDDEN"),
        ("stranger", "NOT_FOUND"),
        ("anonymous", "UNAUTHENTICATED"),
    ],
)
async def test_roaming_and_forwarding_as_topup_delegate_partner_without_manage_stranger(
    gql, world, kind, code
):
    token = world.tokens[kind]
    on = await gql(ROAMING, {"m": world.number.msisdn, "on": True}, token=token)
    assert on.error_codes == [code]
    forwarded = await gql(
        FORWARDING, rules(world, {"condition": "BUSY", "to": TARGET}), token=token
    )
    assert forwarded.error_codes == [code]
    assert not await NumberSettings.exists()
    assert not await Operation.exists()


async def test_forwarding_no_answer_takes_20_seconds_unless_told(gql, world):
    result = await gql(
        FORWARDING,
        rules(
            world,
            {"condition": "NO_ANSWER", "to": "8 (916) 123-45-67"},
            {"condition": "UNREACHABLE", "to": TARGET},
            {"condition": "BUSY", "to": "+79160000000"},
        ),
        token=world.tokens["user"],
    )
    assert result.ok()["setCallForwarding"]["number"]["callForwarding"] == [
        {"condition": "NO_ANSWER", "to": TARGET, "delaySeconds": 20},
        {"condition": "UNREACHABLE", "to": TARGET, "delaySeconds": None},
        {"condition": "BUSY", "to": "+79160000000", "delaySeconds": None},
    ]
    cleared = await gql(FORWARDING, rules(world), token=world.tokens["user"])
    assert cleared.ok()["setCallForwarding"]["number"]["callForwarding"] == []
    assert await Operation.filter(kind=OperationKind.CALL_FORWARDING).count() == 2


@pytest.mark.parametrize(
    ("items", "field", "message"),
    [
        (
            [{"condition": "BUSY", "to": "not a phone"}],
            "rules.0.to",
            "Forward to a phone number in international form, e.g. +79161234567.",
        ),
        (
            [{"condition": "BUSY", "to": "SELF"}],
            "rules.0.to",
            "A number cannot forward calls to itself.",
        ),
        (
            [{"condition": "NO_ANSWER", "to": TARGET, "delaySeconds": 4}],
            "rules.0.delaySeconds",
            "delaySeconds must be 5 to 30.",
        ),
        (
            [{"condition": "NO_ANSWER", "to": TARGET, "delaySeconds": 31}],
            "rules.0.delaySeconds",
            "delaySeconds must be 5 to 30.",
        ),
        (
            [{"condition": "BUSY", "to": TARGET, "delaySeconds": 10}],
            "rules.0.delaySeconds",
            "delaySeconds is only for NO_ANSWER.",
        ),
        (
            [{"condition": "BUSY", "to": TARGET}, {"condition": "BUSY", "to": TARGET}],
            "rules",
            "Give each condition at most once.",
        ),
        (
            [{"condition": "ALWAYS", "to": TARGET}, {"condition": "BUSY", "to": TARGET}],
            "rules",
            "ALWAYS forwards every call: it cannot be combined with other conditions.",
        ),
    ],
)
async def test_forwarding_refuses_bad_rules_naming_the_field(gql, world, items, field, message):
    # Copies: the parameters are shared by every run of the test in one process (mutmut).
    own = world.number.msisdn
    items = [{**item, "to": own} if item["to"] == "SELF" else item for item in items]
    result = await gql(FORWARDING, rules(world, *items), token=world.tokens["owner"])
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["message"] == message
    assert result.errors[0]["extensions"]["field"] == field
    assert not await Operation.exists()


async def test_forwarding_bounds_5_and_30_seconds_are_allowed(gql, world):
    for delay in (5, 30):
        result = await gql(
            FORWARDING,
            rules(world, {"condition": "NO_ANSWER", "to": TARGET, "delaySeconds": delay}),
            token=world.tokens["owner"],
        )
        forwarding = result.ok()["setCallForwarding"]["number"]["callForwarding"]
        assert forwarding[0]["delaySeconds"] == delay
