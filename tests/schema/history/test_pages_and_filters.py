"""Pages of the request history: keyset order with equal times, cursors bound to their
filter, filters by type, status and time, and every bad argument refused by name."""

from datetime import timedelta

import pytest

from models import Operation
from tests.schema.history.world import NOW, build_history, world_of

PAGE = """
query($m: String!, $f: RequestFilter, $first: Int!, $after: String) { number(msisdn: $m) {
  requests(filter: $f, first: $first, after: $after) {
    edges { cursor node { kind status } } pageInfo { hasNextPage endCursor } } } }
"""


@pytest.fixture
async def world(viewers, services, gql):
    made = await world_of(viewers, services)
    await build_history(gql, made)
    return made


async def page_of(gql, world, first, after=None, filter=None, kind="owner"):
    variables = {"m": world.number.msisdn, "first": first, "after": after, "f": filter}
    return await gql(PAGE, variables, token=world.tokens[kind])


def kinds(result):
    return [edge["node"]["kind"] for edge in result.ok()["number"]["requests"]["edges"]]


async def test_pages_as_owner_walk_records_made_at_one_moment_once_each_newest_first(gql, world):
    # Every record of the world was made at NOW: the id keeps their order stable.
    assert {row.created_at for row in await Operation.all()} == {NOW}
    seen, after = [], None
    while True:
        result = await page_of(gql, world, 2, after)
        seen += kinds(result)
        info = result.ok()["number"]["requests"]["pageInfo"]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert seen == ["GRANT_REVOKE", "GRANT", "SERVICE_CONNECT", "TOPUP", "TARIFF_CHANGE"]


async def test_newer_record_with_a_lower_id_still_comes_first(gql, world):
    oldest = await Operation.filter(kind="TARIFF_CHANGE").first()
    await Operation.filter(id=oldest.id).update(created_at=NOW + timedelta(hours=1))
    assert kinds(await page_of(gql, world, 2)) == ["TARIFF_CHANGE", "GRANT_REVOKE"]
    first = (await page_of(gql, world, 2)).ok()["number"]["requests"]["pageInfo"]
    assert kinds(await page_of(gql, world, 2, first["endCursor"])) == ["GRANT", "SERVICE_CONNECT"]


async def test_filter_by_types_statuses_and_time_as_user(gql, world):
    grants = {"types": ["GRANT", "GRANT_REVOKE"]}
    assert kinds(await page_of(gql, world, 10, filter=grants, kind="user")) == [
        "GRANT_REVOKE",
        "GRANT",
    ]
    failed = {"statuses": ["FAILED"]}
    assert kinds(await page_of(gql, world, 10, filter=failed, kind="user")) == []
    later = {"from": (NOW + timedelta(seconds=1)).isoformat()}
    assert kinds(await page_of(gql, world, 10, filter=later, kind="user")) == []
    window = {"from": NOW.isoformat(), "to": (NOW + timedelta(seconds=1)).isoformat()}
    assert len(kinds(await page_of(gql, world, 10, filter=window, kind="user"))) == 5


async def test_cursor_from_another_filter_is_refused_as_bad_user_input(gql, world):
    first = (await page_of(gql, world, 1)).ok()["number"]["requests"]["pageInfo"]
    other = await page_of(gql, world, 1, first["endCursor"], {"types": ["TOPUP"]})
    assert other.error_codes == ["BAD_USER_INPUT"]
    assert "another filter" in other.errors[0]["message"]
    same = await page_of(gql, world, 1, first["endCursor"])
    assert kinds(same) == ["GRANT"]


@pytest.mark.parametrize(
    ("first", "after", "filter"),
    [
        (0, None, None),
        (101, None, None),
        (5, "not-a-cursor", None),
        (5, None, {"from": "2026-11-17T00:00:00Z", "to": "2026-11-16T00:00:00Z"}),
        (5, None, {"from": "2026-11-16T00:00:00"}),  # no timezone
    ],
)
async def test_bad_page_arguments_are_bad_user_input(gql, world, first, after, filter):
    result = await page_of(gql, world, first, after, filter)
    assert result.error_codes == ["BAD_USER_INPUT"]
