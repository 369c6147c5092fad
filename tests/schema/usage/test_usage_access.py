"""Who may read a number's usage detail: FULL and above, and a partner app through its grant
with the usage:read scope. A number the viewer cannot see is NOT_FOUND."""

from datetime import timedelta

import pytest

from tests.resolvers.usage_detail.world import NOW
from tests.schema.usage.world import USAGE, build_world, window

FILTER = window(NOW - timedelta(days=30), NOW + timedelta(days=1))


@pytest.mark.parametrize("who", ["owner", "user", "full_delegate", "partner_with_usage"])
async def test_usage_as_full_or_above_reads_the_records(gql, viewers, who):
    world = await build_world(viewers)
    await world.add([world.at(NOW - timedelta(hours=1))])
    variables = {"m": world.number.msisdn, "filter": FILTER}
    usage = (await gql(USAGE, variables, token=world.tokens[who])).ok()["number"]["usage"]
    assert len(usage["edges"]) == 1


async def test_usage_as_topup_delegate_is_forbidden(gql, viewers):
    world = await build_world(viewers)
    variables = {"m": world.number.msisdn, "filter": FILTER}
    result = await gql(USAGE, variables, token=world.tokens["topup_delegate"])
    assert result.data == {"number": {"usage": None}}
    assert result.errors[0]["extensions"] == {"code": "FORBIDDEN", "requiredLevel": "FULL"}


async def test_usage_as_partner_without_usage_scope_is_told_the_scope(gql, viewers):
    world = await build_world(viewers)
    variables = {"m": world.number.msisdn, "filter": FILTER}
    result = await gql(USAGE, variables, token=world.tokens["partner_without_usage"])
    assert result.data == {"number": {"usage": None}}
    assert result.errors[0]["extensions"] == {
        "code": "FORBIDDEN",
        "requiredLevel": "FULL",
        "requiredScope": "usage:read",
    }


async def test_usage_as_stranger_is_not_found_like_a_number_that_does_not_exist(gql, viewers):
    world = await build_world(viewers)
    seen = await gql(
        USAGE, {"m": world.number.msisdn, "filter": FILTER}, token=world.tokens["stranger"]
    )
    missing = await gql(
        USAGE, {"m": "+79999999999", "filter": FILTER}, token=world.tokens["stranger"]
    )
    assert seen.data == missing.data == {"number": None}
    assert seen.error_codes == missing.error_codes == ["NOT_FOUND"]
    assert seen.errors[0]["message"] == missing.errors[0]["message"]


async def test_usage_as_anonymous_finds_no_number(gql, viewers):
    world = await build_world(viewers)
    result = await gql(USAGE, {"m": world.number.msisdn, "filter": FILTER})
    assert result.data == {"number": None}
    assert result.error_codes == ["NOT_FOUND"]


async def test_refused_viewers_learn_nothing_of_the_records(gql, viewers):
    world = await build_world(viewers)
    await world.add([world.at(NOW - timedelta(hours=1), counterpart="+79161112233")])
    for who in ("topup_delegate", "partner_without_usage", "stranger"):
        result = await gql(
            USAGE, {"m": world.number.msisdn, "filter": FILTER}, token=world.tokens[who]
        )
        assert "+79161112233" not in str(result.body), who
