"""Pages of Number.usage: newest first, keyset cursors, the edges of pagination, and
filters refused with BAD_USER_INPUT."""

import base64
import random
from datetime import timedelta

import pytest

from models import UsageKind
from tests.resolvers.usage_detail.world import NOW, random_records
from tests.schema.limits.test_document_limits import assert_not_refused, refused_by
from tests.schema.usage.world import USAGE, build_world, window

FILTER = window(NOW - timedelta(days=90), NOW + timedelta(days=1))


async def pages(gql, world, usage_filter, first):
    """Every page the cursors lead to, as lists of record ids."""
    found, after = [], None
    while True:
        variables = {"m": world.number.msisdn, "filter": usage_filter, "first": first}
        result = await gql(USAGE, {**variables, "after": after}, token=world.tokens["owner"])
        usage = result.ok()["number"]["usage"]
        found.append([int(edge["node"]["id"]) for edge in usage["edges"]])
        if not usage["pageInfo"]["hasNextPage"]:
            return found
        after = usage["pageInfo"]["endCursor"]
        assert after == usage["edges"][-1]["cursor"]


def newest_first(records):
    return [r.id for r in sorted(records, key=lambda r: (r.started_at, r.id), reverse=True)]


async def test_usage_of_a_number_without_records_is_one_empty_page(gql, viewers):
    world = await build_world(viewers)
    variables = {"m": world.number.msisdn, "filter": FILTER}
    usage = (await gql(USAGE, variables, token=world.tokens["owner"])).ok()["number"]["usage"]
    assert usage["edges"] == []
    assert usage["pageInfo"] == {"hasNextPage": False, "endCursor": None}


async def test_usage_of_exactly_one_page_says_there_is_no_next(gql, viewers):
    world = await build_world(viewers)
    made = await world.add([world.at(NOW - timedelta(minutes=i), tag=str(i)) for i in range(5)])
    assert await pages(gql, world, FILTER, 5) == [newest_first(made)]


async def test_usage_after_the_last_record_is_an_empty_page(gql, viewers):
    world = await build_world(viewers)
    await world.add([world.at(NOW - timedelta(minutes=i), tag=str(i)) for i in range(3)])
    variables = {"m": world.number.msisdn, "filter": FILTER, "first": 3}
    first = (await gql(USAGE, variables, token=world.tokens["owner"])).ok()["number"]["usage"]
    after = first["pageInfo"]["endCursor"]
    variables["after"] = after
    rest = (await gql(USAGE, variables, token=world.tokens["owner"])).ok()["number"]["usage"]
    assert rest["edges"] == []
    assert rest["pageInfo"] == {"hasNextPage": False, "endCursor": None}


async def test_records_with_equal_times_are_neither_lost_nor_repeated_across_pages(gql, viewers):
    world = await build_world(viewers)
    at = NOW - timedelta(hours=2)
    made = await world.add(
        [world.at(NOW - timedelta(hours=1), tag="newer")]
        + [world.at(at, tag=str(i)) for i in range(5)]
        + [world.at(NOW - timedelta(hours=3), tag="older")]
    )
    found = await pages(gql, world, FILTER, 2)
    assert [len(page) for page in found] == [2, 2, 2, 1]
    assert [i for page in found for i in page] == newest_first(made)


async def test_pages_of_a_random_history_walk_it_newest_first(gql, viewers):
    world = await build_world(viewers)
    made = await world.add(random_records(random.Random(5), world.number, 230))
    found = await pages(gql, world, FILTER, 100)
    assert [len(page) for page in found] == [100, 100, 30]
    assert [i for page in found for i in page] == newest_first(made)


async def test_a_record_shows_what_the_network_reported(gql, viewers):
    world = await build_world(viewers)
    at = NOW - timedelta(hours=1)
    [made] = await world.add(
        [
            world.at(
                at,
                kind=UsageKind.DATA,
                counterpart="internet",
                seconds=1200,
                size=3 * 1024**3,  # more than GraphQL's Int holds
                cost=12345,
                roaming_zone="europe",
            )
        ]
    )
    variables = {"m": world.number.msisdn, "filter": FILTER}
    usage = (await gql(USAGE, variables, token=world.tokens["owner"])).ok()["number"]["usage"]
    assert usage["edges"][0]["node"] == {
        "id": str(made.id),
        "kind": "DATA",
        "direction": "OUT",
        "counterpart": "internet",
        "startedAt": "2026-11-16T14:00:00+03:00",  # 11:00 UTC in Moscow time
        "durationSeconds": 1200,
        "bytes": 3 * 1024**3,
        "cost": {"amount": "123.45", "currency": "RUB"},
        "roamingZone": "europe",
    }
    assert usage["timeZone"] == "Europe/Moscow"


@pytest.mark.parametrize("first", [0, -1, 101])
async def test_a_page_size_outside_1_to_100_is_refused(gql, viewers, first):
    world = await build_world(viewers)
    variables = {"m": world.number.msisdn, "filter": FILTER, "first": first}
    result = await gql(USAGE, variables, token=world.tokens["owner"])
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == "first"


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not a cursor",
        "%%%",
        _b64("c:12"),
        _b64("usage1|2026-11-16T11:00:00+00:00|x|0123456789abcdef"),
        _b64("usage1|2026-11-16T11:00:00|5|0123456789abcdef"),
        _b64("usage1|yesterday|5|0123456789abcdef"),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "a" * 5000,
    ],
)
async def test_a_garbled_cursor_is_bad_user_input(gql, viewers, cursor):
    world = await build_world(viewers)
    variables = {"m": world.number.msisdn, "filter": FILTER, "after": cursor}
    result = await gql(USAGE, variables, token=world.tokens["owner"])
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == "after"


@pytest.mark.parametrize(
    "other",
    [
        window(NOW - timedelta(days=91), NOW + timedelta(days=1)),
        {**FILTER, "kinds": ["CALL"]},
        {**FILTER, "direction": "IN"},
        {**FILTER, "roaming": False},
        {**FILTER, "counterpart": "916"},
    ],
)
async def test_a_cursor_from_another_filter_is_refused(gql, viewers, other):
    world = await build_world(viewers)
    await world.add([world.at(NOW - timedelta(minutes=i), tag=str(i)) for i in range(3)])
    variables = {"m": world.number.msisdn, "filter": FILTER, "first": 1}
    first = (await gql(USAGE, variables, token=world.tokens["owner"])).ok()["number"]["usage"]
    variables.update(filter=other, after=first["pageInfo"]["endCursor"])
    result = await gql(USAGE, variables, token=world.tokens["owner"])
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert "another filter" in result.errors[0]["message"]


@pytest.mark.parametrize(
    ("usage_filter", "field"),
    [
        (window(NOW, NOW), "to"),
        (window(NOW, NOW - timedelta(days=1)), "to"),
        (window(NOW - timedelta(days=366), NOW), "to"),
        ({**FILTER, "counterpart": "100%"}, "counterpart"),
        ({**FILTER, "counterpart": "x" * 65}, "counterpart"),
    ],
)
async def test_a_filter_that_is_not_one_is_bad_user_input(gql, viewers, usage_filter, field):
    world = await build_world(viewers)
    variables = {"m": world.number.msisdn, "filter": usage_filter}
    result = await gql(USAGE, variables, token=world.tokens["owner"])
    assert result.data == {"number": {"usage": None}}
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == field


@pytest.mark.parametrize(
    "usage_filter",
    [
        {"from": "2026-11-01T00:00:00", "to": "2026-11-02T00:00:00Z"},
        {"from": "yesterday", "to": "2026-11-02T00:00:00Z"},
        {"to": "2026-11-02T00:00:00Z"},
        {**FILTER, "kinds": ["MMS"]},
        {**FILTER, "roaming": "yes"},
    ],
)
async def test_a_filter_of_the_wrong_shape_is_refused_before_reading(gql, viewers, usage_filter):
    world = await build_world(viewers)
    variables = {"m": world.number.msisdn, "filter": usage_filter}
    result = await gql(USAGE, variables, token=world.tokens["owner"])
    assert result.error_codes == ["BAD_USER_INPUT"]


async def test_a_usage_page_is_priced_by_its_first_in_the_cost_analysis(gql):
    query = (
        '{ viewer { numbers { usage(filter: { from: "2026-11-01T00:00:00Z", '
        'to: "2026-11-02T00:00:00Z" }, first: {n}) { edges { cursor node { id kind '
        "startedAt cost { amount currency } } } } } } }"
    )
    refused_by(await gql(query.replace("{n}", "100")), "GRAPHQL_MAX_COST", 5000)
    assert_not_refused(await gql(query.replace("{n}", "3")))
