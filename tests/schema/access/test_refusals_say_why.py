"""A refusal tells the client what is missing (a level or a token scope), and an access
request on a number the viewer does not own answers like one that does not exist."""

from datetime import timedelta

from strawberry.relay import to_base64

from models import AccessRequest, Subscriber
from tests.schema.access.world import build_world

BALANCE = "query($m: String!) { number(msisdn: $m) { balance { amount } } }"
APPROVE = "mutation($id: ID!) { approveAccessRequest(id: $id) { status } }"
DENY = "mutation($id: ID!) { denyAccessRequest(id: $id) { status } }"


async def test_balance_as_full_partner_without_balance_scope_names_the_scope(gql, viewers):
    world = await build_world(viewers)
    result = await gql(
        BALANCE, {"m": world.number.msisdn}, token=world.tokens["partner_numbers_read"]
    )
    (error,) = result.errors
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["requiredScope"] == "balance:read"
    assert "balance:read" in error["message"]
    assert "FULL access" not in error["message"]


async def test_balance_as_topup_delegate_still_names_the_level(gql, viewers):
    world = await build_world(viewers)
    result = await gql(BALANCE, {"m": world.number.msisdn}, token=world.tokens["topup_delegate"])
    (error,) = result.errors
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["requiredLevel"] == "FULL"
    assert "requiredScope" not in error["extensions"]


async def test_deciding_a_request_as_full_user_looks_like_a_missing_request(gql, viewers):
    world = await build_world(viewers)
    asker = await Subscriber.create(phone="+79995554435", full_name="Asker")
    request = await AccessRequest.create(
        msisdn=world.number.msisdn,
        number=world.number,
        requester=asker,
        level="TOPUP",
        expires_at=world.number.created_at + timedelta(days=365),
    )
    real = to_base64("AccessRequest", request.id)
    missing = to_base64("AccessRequest", request.id + 1000)
    for kind in ("user", "full_delegate", "topup_delegate"):
        for query in (APPROVE, DENY):
            seen = await gql(query, {"id": real}, token=world.tokens[kind])
            unseen = await gql(query, {"id": missing}, token=world.tokens[kind])
            assert seen.data == unseen.data
            assert seen.errors == unseen.errors, (kind, query)
            assert seen.error_codes == ["NOT_FOUND"]
