"""exportUsage, viewer.exports and node(id:), as each viewer kind, and every refusal."""

import pytest

from models import ExportJob
from tests.schema.exports.world import (
    CALLS,
    DATA,
    EXPORT,
    EXPORTS,
    NOW,
    SMS,
    build_world,
    export_input,
    work,
)

NODE = "query($id: ID!) { node(id: $id) { ... on ExportJob { id status url } } }"


@pytest.fixture
async def world(viewers, services):
    services.clock = lambda: NOW
    return await build_world(viewers)


@pytest.mark.parametrize("kind", ["owner", "full_delegate", "partner_with_usage"])
async def test_export_usage_as_owner_full_delegate_and_partner_is_queued_then_made(
    gql, services, world, kind
):
    token = world.tokens[kind]
    asked = (await gql(EXPORT, export_input(world, "CSV"), token=token)).ok()["exportUsage"]
    assert asked["status"] == "QUEUED"
    assert asked["progress"] == 0
    assert asked["url"] is None
    assert asked["msisdn"] == world.number.msisdn
    assert asked["contentType"] == "text/csv; charset=utf-8"

    outcomes = await work(services)
    assert [str(o.status) for o in outcomes] == ["SUCCEEDED"]

    listed = (await gql(EXPORTS, token=token)).ok()["viewer"]["exports"]
    assert [job["id"] for job in listed] == [asked["id"]]
    made = listed[0]
    assert made["status"] == "SUCCEEDED"
    assert made["progress"] == 100
    assert made["rowCount"] == CALLS + SMS + DATA
    assert made["url"].startswith(f"/exports/{(await ExportJob.first()).id}?expires=")
    assert made["expiresAt"] and made["availableUntil"]
    node = (await gql(NODE, {"id": asked["id"]}, token=token)).ok()["node"]
    assert node["status"] == "SUCCEEDED"


async def test_export_usage_as_topup_delegate_is_forbidden(gql, world):
    result = await gql(EXPORT, export_input(world, "PDF"), token=world.tokens["topup_delegate"])
    assert result.error_codes == ["FORBIDDEN"]
    assert await ExportJob.all().count() == 0


async def test_export_usage_as_stranger_is_not_found(gql, world):
    result = await gql(EXPORT, export_input(world, "PDF"), token=world.tokens["stranger"])
    assert result.error_codes == ["NOT_FOUND"]
    assert await ExportJob.all().count() == 0


async def test_export_usage_as_partner_without_usage_scope_names_the_scope(gql, world):
    result = await gql(
        EXPORT, export_input(world, "XLSX"), token=world.tokens["partner_without_usage"]
    )
    assert result.error_codes == ["FORBIDDEN"]
    assert result.errors[0]["extensions"]["requiredScope"] == "usage:read"


async def test_export_usage_as_anonymous_is_unauthenticated(gql, world):
    result = await gql(EXPORT, export_input(world, "CSV"))
    assert result.error_codes == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    ("period", "field"),
    [
        ({"from": "2026-11-10T00:00:00+03:00", "to": "2026-11-01T00:00:00+03:00"}, "to"),
        ({"from": "2025-01-01T00:00:00+03:00", "to": "2026-11-01T00:00:00+03:00"}, "to"),
        ({"from": "2026-11-01T00:00:00", "to": "2026-11-10T00:00:00+03:00"}, None),
        ({"from": "1 November", "to": "2026-11-10T00:00:00+03:00"}, None),
    ],
)
async def test_export_usage_as_owner_with_a_bad_period_is_bad_user_input(gql, world, period, field):
    variables = export_input(world, "CSV")
    variables["input"].update(period)
    result = await gql(EXPORT, variables, token=world.tokens["owner"])
    assert result.error_codes == ["BAD_USER_INPUT"]
    if field is not None:  # the others are refused by the DateTime scalar itself
        assert result.errors[0]["extensions"]["field"] == field
    assert await ExportJob.all().count() == 0


async def test_export_usage_as_owner_with_five_in_progress_is_a_conflict(gql, world):
    token = world.tokens["owner"]
    for _ in range(5):
        (await gql(EXPORT, export_input(world, "CSV"), token=token)).ok()
    result = await gql(EXPORT, export_input(world, "CSV"), token=token)
    assert result.error_codes == ["CONFLICT"]
    assert await ExportJob.all().count() == 5


async def test_exports_of_others_are_not_found_and_not_listed(gql, services, world):
    asked = (await gql(EXPORT, export_input(world, "CSV"), token=world.tokens["owner"])).ok()[
        "exportUsage"
    ]
    await work(services)
    for kind in ("full_delegate", "partner_with_usage", "stranger", "topup_delegate"):
        token = world.tokens[kind]
        assert (await gql(NODE, {"id": asked["id"]}, token=token)).error_codes == ["NOT_FOUND"]
        assert (await gql(EXPORTS, token=token)).ok()["viewer"]["exports"] == []


async def test_exports_after_the_grant_was_revoked_are_out_of_sight(gql, services, world):
    token = world.tokens["full_delegate"]
    asked = (await gql(EXPORT, export_input(world, "CSV"), token=token)).ok()["exportUsage"]
    await work(services)
    world.full_grant.revoked_at = services.clock()
    await world.full_grant.save(update_fields=["revoked_at"])
    assert (await gql(EXPORTS, token=token)).ok()["viewer"]["exports"] == []
    assert (await gql(NODE, {"id": asked["id"]}, token=token)).error_codes == ["NOT_FOUND"]
