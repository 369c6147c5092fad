"""The operations' world (one number, every kind of viewer) with tickets on it."""

from __future__ import annotations

from typing import Any

from strawberry.relay import to_base64

from tests.schema.operations.world import NOW, VIEWER_KINDS, World, build_world
from tests.support.graphql import GraphQLClient

__all__ = ["NOW", "VIEWER_KINDS", "World", "build_world", "open_ticket", "ticket_id"]

CREATE = """
mutation($input: CreateSupportTicketInput!) { createSupportTicket(input: $input) {
  id msisdn topic status messages { side text writtenByViewer }
  history { fromStatus toStatus side } } }
"""


def ticket_id(pk: int) -> str:
    return to_base64("SupportTicket", pk)


async def open_ticket(
    gql: GraphQLClient, world: World, kind: str = "owner", text: str = "No data since noon."
) -> dict[str, Any]:
    variables = {"input": {"msisdn": world.number.msisdn, "topic": "NETWORK", "text": text}}
    return (await gql(CREATE, variables, token=world.tokens[kind])).ok()["createSupportTicket"]
