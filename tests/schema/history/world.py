"""A number with a lived-in history, made through the API by every kind of viewer: the
owner up the tree changes the tariff, a TOPUP delegate tops up, the partner app connects a
service, the owner gives and revokes a grant."""

from __future__ import annotations

from strawberry.relay import to_base64

from tests.schema.operations.world import NOW, World, build_world
from tests.support import family
from tests.support.viewers import Viewers

__all__ = ["NOW", "World", "build_history", "world_of"]

CHANGE = """
mutation($input: ChangeTariffInput!) { changeTariff(input: $input) { operation { status } } }
"""
TOP_UP = """
mutation($input: TopUpInput!) { topUp(input: $input) { payment { status } } }
"""
CONNECT = """
mutation($input: ConnectServiceInput!) { connectService(input: $input) { operation { status } } }
"""
GRANT = """
mutation($input: GrantAccessInput!) { grantAccess(input: $input) { id } }
"""
REVOKE = "mutation($id: ID!) { revokeAccess(grantId: $id) { active } }"


async def world_of(viewers: Viewers, services) -> World:
    services.clock = lambda: NOW
    return await build_world(viewers)


async def build_history(gql, world: World) -> None:
    """Four operations, oldest first: tariff change (owner), top-up (TOPUP delegate),
    service connection (partner app), a grant given and revoked (owner)."""
    msisdn, tokens = world.number.msisdn, world.tokens
    tariff = to_base64("Tariff", world.tariffs["smart"].id)
    change = {"msisdn": msisdn, "tariffId": tariff, "effective": "NOW", "idempotencyKey": "t-1"}
    (await gql(CHANGE, {"input": change}, token=tokens["owner"])).ok()
    top_up = {
        "msisdn": msisdn,
        "amount": "500.00",
        "idempotencyKey": "h-1",
        "cardToken": "tok_visa",
    }
    (await gql(TOP_UP, {"input": top_up}, token=tokens["topup_delegate"])).ok()
    service = {"msisdn": msisdn, "serviceId": to_base64("Service", world.services["beep"].id)}
    (await gql(CONNECT, {"input": service}, token=tokens["partner_with_manage"])).ok()
    friend = await family.subscriber("Friend")
    grant = {"msisdn": msisdn, "level": "FULL", "granteePhone": friend.phone}
    given = (await gql(GRANT, {"input": grant}, token=tokens["owner"])).ok()["grantAccess"]
    (await gql(REVOKE, {"id": given["id"]}, token=tokens["owner"])).ok()
