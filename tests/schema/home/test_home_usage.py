"""A home contract's usage detail (HomeContract.usage) as each viewer kind: internet
sessions and TV package charges, totals of a contract's kinds, internet traffic per day in
the reader's zone; TOPUP and a partner without usage:read are refused, a stranger finds
nothing, exactly as for a contract that does not exist."""

from __future__ import annotations

import pytest
from strawberry.relay import to_base64

from models import Subscriber
from tests.schema.exports.world import NOW
from tests.schema.home.usage_world import (
    DAILY_IN_MOSCOW,
    MB,
    USAGE,
    build_world,
    usage_of,
)


@pytest.fixture
async def world(viewers, services):
    services.clock = lambda: NOW
    return await build_world(viewers)


@pytest.mark.parametrize("who", ["owner", "user", "full_delegate", "partner_with_usage"])
async def test_contract_usage_as_full_or_above_lists_sessions_and_tv_charges(gql, world, who):
    node = (await gql(USAGE, usage_of(world), token=world.tokens[who])).ok()["node"]
    assert node["contractNumber"] == world.contract_number
    usage = node["usage"]
    edges = [edge["node"] for edge in usage["edges"]]
    assert [edge["kind"] for edge in edges] == ["DATA"] * 5 + ["TV"] * 2  # newest first
    assert edges[0]["bytes"] == 1024 * MB and edges[0]["counterpart"] == "internet"
    assert edges[0]["startedAt"] == "2026-11-20T15:00:00+03:00"
    assert [(e["counterpart"], e["cost"]["amount"]) for e in edges[5:]] == [
        ("Спорт", "299.00"),
        ("Кино и сериалы", "199.00"),
    ]
    assert edges[5]["bytes"] is None and edges[5]["durationSeconds"] is None
    # No kinds asked: a contract's kinds, no calls or SMS at zero.
    assert usage["totals"] == [
        {
            "kind": "DATA",
            "count": 5,
            "seconds": 23400,
            "bytes": 2324 * MB,
            "cost": {"amount": "0.00"},
        },
        {"kind": "TV", "count": 2, "seconds": 0, "bytes": 0, "cost": {"amount": "498.00"}},
    ]
    assert usage["dailyTraffic"] == DAILY_IN_MOSCOW
    assert usage["timeZone"] == "Europe/Moscow"


async def test_contract_usage_as_owner_counts_days_in_their_own_time_zone(gql, world):
    owner = world.subscribers["owner"]
    await Subscriber.filter(id=owner.id).update(time_zone="Asia/Yekaterinburg")
    usage = (await gql(USAGE, usage_of(world), token=world.tokens["owner"])).ok()["node"]["usage"]
    assert usage["timeZone"] == "Asia/Yekaterinburg"
    # 23:50 and 00:10 in Moscow on 5/6 November are 01:50 and 02:10 on 6 November here.
    assert [(d["day"], d["bytes"]) for d in usage["dailyTraffic"]] == [
        ("2026-11-01", 1000 * MB),
        ("2026-11-06", 300 * MB),
        ("2026-11-20", 1024 * MB),
    ]


async def test_contract_usage_as_owner_of_tv_only_has_no_daily_traffic(gql, world):
    variables = usage_of(world, kinds=["TV"])
    usage = (await gql(USAGE, variables, token=world.tokens["owner"])).ok()["node"]["usage"]
    assert [edge["node"]["kind"] for edge in usage["edges"]] == ["TV", "TV"]
    assert [total["kind"] for total in usage["totals"]] == ["TV"]
    assert usage["dailyTraffic"] == []


async def test_contract_usage_as_owner_asking_for_calls_finds_none_at_zero(gql, world):
    variables = usage_of(world, kinds=["CALL", "DATA"])
    usage = (await gql(USAGE, variables, token=world.tokens["owner"])).ok()["node"]["usage"]
    assert [(t["kind"], t["count"]) for t in usage["totals"]] == [("CALL", 0), ("DATA", 5)]
    assert len(usage["dailyTraffic"]) == 4


async def test_contract_usage_filtered_to_one_day_as_owner(gql, world):
    variables = {
        "id": world.id,
        "filter": {"from": "2026-11-05T00:00:00+03:00", "to": "2026-11-06T00:00:00+03:00"},
    }
    usage = (await gql(USAGE, variables, token=world.tokens["owner"])).ok()["node"]["usage"]
    assert [edge["node"]["bytes"] for edge in usage["edges"]] == [100 * MB]
    assert usage["dailyTraffic"] == [DAILY_IN_MOSCOW[1]]


async def test_phone_usage_as_owner_still_totals_calls_sms_and_data_only(gql, world):
    query = """query($m: String!, $filter: UsageFilter!) { number(msisdn: $m) {
        usage(filter: $filter) { totals { kind } dailyTraffic { day } } } }"""
    variables = {"m": world.phone.msisdn, "filter": usage_of(world)["filter"]}
    usage = (await gql(query, variables, token=world.tokens["owner"])).ok()["number"]["usage"]
    assert [total["kind"] for total in usage["totals"]] == ["CALL", "SMS", "DATA"]
    assert usage["dailyTraffic"] == []


async def test_contract_usage_as_topup_delegate_is_forbidden(gql, world):
    result = await gql(USAGE, usage_of(world), token=world.tokens["topup_delegate"])
    assert result.data == {
        "node": {
            "__typename": "HomeContract",
            "contractNumber": world.contract_number,
            "usage": None,
        }
    }
    assert result.errors[0]["extensions"] == {"code": "FORBIDDEN", "requiredLevel": "FULL"}


async def test_contract_usage_as_partner_without_usage_scope_is_told_the_scope(gql, world):
    result = await gql(USAGE, usage_of(world), token=world.tokens["partner_without_usage"])
    assert result.data["node"]["usage"] is None
    assert result.errors[0]["extensions"] == {
        "code": "FORBIDDEN",
        "requiredLevel": "FULL",
        "requiredScope": "usage:read",
    }


async def test_contract_usage_as_stranger_looks_like_a_contract_that_does_not_exist(gql, world):
    token = world.tokens["stranger"]
    seen = await gql(USAGE, usage_of(world), token=token)
    missing_id = to_base64("HomeContract", world.contract.id + 1000)
    missing = await gql(USAGE, {**usage_of(world), "id": missing_id}, token=token)
    assert seen.data == missing.data == {"node": None}
    assert seen.error_codes == missing.error_codes == ["NOT_FOUND"]
    assert seen.errors[0]["message"] == missing.errors[0]["message"]


async def test_refused_viewers_learn_nothing_of_the_contracts_usage(gql, world):
    for who in ("topup_delegate", "partner_without_usage", "stranger"):
        result = await gql(USAGE, usage_of(world), token=world.tokens[who])
        assert "Спорт" not in str(result.body) and "internet" not in str(result.body), who
