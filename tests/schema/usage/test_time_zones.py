"""Usage times are stored in UTC and shown in the reader's time zone, which a subscriber
chooses with setTimeZone (Europe/Moscow until they do)."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.resolvers.usage_detail.world import NOW
from tests.schema.usage.world import USAGE, build_world, window

SET_TIME_ZONE = """
mutation($zone: String!) { setTimeZone(timeZone: $zone) { phone timeZone } }
"""
MY_TIME_ZONE = "{ viewer { subscriber { timeZone } } }"
FILTER = window(NOW - timedelta(days=30), NOW + timedelta(days=1))


async def shown_times(gql, world, who, usage_filter=FILTER):
    variables = {"m": world.number.msisdn, "filter": usage_filter}
    usage = (await gql(USAGE, variables, token=world.tokens[who])).ok()["number"]["usage"]
    return usage["timeZone"], [edge["node"]["startedAt"] for edge in usage["edges"]]


async def test_a_subscriber_starts_in_moscow_time(gql, viewers):
    world = await build_world(viewers)
    answer = (await gql(MY_TIME_ZONE, token=world.tokens["owner"])).ok()
    assert answer == {"viewer": {"subscriber": {"timeZone": "Europe/Moscow"}}}


async def test_usage_as_owner_in_another_zone_shows_the_same_moments_in_it(gql, viewers):
    world = await build_world(viewers)
    await world.add([world.at(datetime(2026, 11, 15, 20, 30, tzinfo=UTC))])
    assert await shown_times(gql, world, "owner") == (
        "Europe/Moscow",
        ["2026-11-15T23:30:00+03:00"],
    )
    changed = await gql(SET_TIME_ZONE, {"zone": "Asia/Vladivostok"}, token=world.tokens["owner"])
    assert changed.ok()["setTimeZone"]["timeZone"] == "Asia/Vladivostok"
    assert await shown_times(gql, world, "owner") == (
        "Asia/Vladivostok",
        ["2026-11-16T06:30:00+10:00"],
    )
    # each reader their own zone: the user has not changed theirs
    assert await shown_times(gql, world, "user") == (
        "Europe/Moscow",
        ["2026-11-15T23:30:00+03:00"],
    )


async def test_usage_as_partner_app_is_shown_in_the_number_users_zone(gql, viewers):
    world = await build_world(viewers)
    await world.add([world.at(datetime(2026, 11, 15, 20, 30, tzinfo=UTC))])
    await gql(SET_TIME_ZONE, {"zone": "Europe/Kaliningrad"}, token=world.tokens["user"])
    assert await shown_times(gql, world, "partner_with_usage") == (
        "Europe/Kaliningrad",
        ["2026-11-15T22:30:00+02:00"],
    )


async def test_a_day_in_the_readers_zone_is_asked_for_with_its_offset(gql, viewers):
    world = await build_world(viewers)
    # 23:30 on the 15th in Vladivostok is 13:30 UTC; 00:30 on the 16th is 14:30 UTC
    await world.add(
        [
            world.at(datetime(2026, 11, 15, 13, 30, tzinfo=UTC), tag="15th"),
            world.at(datetime(2026, 11, 15, 14, 30, tzinfo=UTC), tag="16th"),
        ]
    )
    await gql(SET_TIME_ZONE, {"zone": "Asia/Vladivostok"}, token=world.tokens["owner"])
    day = {"from": "2026-11-16T00:00:00+10:00", "to": "2026-11-17T00:00:00+10:00"}
    assert await shown_times(gql, world, "owner", day) == (
        "Asia/Vladivostok",
        ["2026-11-16T00:30:00+10:00"],
    )


async def test_times_follow_daylight_saving_by_date(gql, viewers):
    world = await build_world(viewers)
    await world.add(
        [
            world.at(datetime(2026, 7, 1, 12, tzinfo=UTC), tag="summer"),
            world.at(datetime(2026, 1, 15, 12, tzinfo=UTC), tag="winter"),
        ]
    )
    await gql(SET_TIME_ZONE, {"zone": "Europe/Berlin"}, token=world.tokens["owner"])
    year = window(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
    assert await shown_times(gql, world, "owner", year) == (
        "Europe/Berlin",
        ["2026-07-01T14:00:00+02:00", "2026-01-15T13:00:00+01:00"],
    )


@pytest.mark.parametrize("zone", ["", "Moscow", "Europe/Atlantis", "../../etc/passwd", "UTC+3"])
async def test_set_time_zone_to_an_unknown_zone_is_bad_user_input(gql, viewers, zone):
    world = await build_world(viewers)
    result = await gql(SET_TIME_ZONE, {"zone": zone}, token=world.tokens["owner"])
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == "timeZone"
    answer = (await gql(MY_TIME_ZONE, token=world.tokens["owner"])).ok()
    assert answer["viewer"]["subscriber"]["timeZone"] == "Europe/Moscow"


@pytest.mark.parametrize("who", ["anonymous", "partner_with_usage"])
async def test_set_time_zone_as_someone_not_signed_in_as_a_subscriber_is_refused(gql, viewers, who):
    world = await build_world(viewers)
    result = await gql(SET_TIME_ZONE, {"zone": "Asia/Omsk"}, token=world.tokens[who])
    assert result.error_codes == ["UNAUTHENTICATED"]
