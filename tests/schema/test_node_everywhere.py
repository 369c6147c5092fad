"""`node(id:)` finds every Node the viewer reads on its own paths, with the same visibility:
the ids come from the schema walk's answers (tests/support/schema_walk.py) as the demo
owner, so a Node type added later is checked too; as the stranger, any id the stranger's
own walk does not show is NOT_FOUND."""

from __future__ import annotations

from typing import Any

import graphql

from schema import schema
from tests.schema.test_every_field import WALK_BODY_BYTES, WALK_LIMITS, walk_arguments
from tests.support.apps import gateway_with
from tests.support.graphql import GraphQLClient
from tests.support.hostile import UNLIMITED_RATES
from tests.support.lived_in_demo import lived_in_demo
from tests.support.schema_walk import SchemaWalk

PUBLIC = {"Tariff", "Service"}


def node_types() -> set[str]:
    node = schema._schema.get_type("Node")
    assert isinstance(node, graphql.GraphQLInterfaceType)
    return {t.name for t in schema._schema.get_possible_types(node)}


def ids_in(answer: Any, found: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """(typename, id) of every object in an answer (fields in fragments are aliased
    `Type_field`)."""
    if isinstance(answer, list):
        for item in answer:
            ids_in(item, found)
    elif isinstance(answer, dict):
        typename = answer.get("__typename")
        node_id = answer.get("id") or answer.get(f"{typename}_id")
        if typename in node_types() and isinstance(node_id, str):
            found.add((typename, node_id))
        for value in answer.values():
            ids_in(value, found)
    return found


async def walked_ids(gql: GraphQLClient, token: str, arguments: dict[str, str]) -> set:
    found: set[tuple[str, str]] = set()
    for document in SchemaWalk(schema._schema, arguments).root_documents().values():
        ids_in((await gql(document, token=token)).data, found)
    return found


async def by_node(gql: GraphQLClient, token: str, ids: list[tuple[str, str]]) -> dict:
    fields = " ".join(
        f'n{i}: node(id: "{node_id}") {{ __typename ... on Node {{ id }} }}'
        for i, (_, node_id) in enumerate(ids)
    )
    result = await gql("{ " + fields + " }", token=token)
    errors = {e["path"][0]: e["extensions"]["code"] for e in result.errors}
    return {
        ids[i]: errors.get(f"n{i}") or (result.data or {}).get(f"n{i}") for i in range(len(ids))
    }


async def test_node_finds_every_node_type_the_demo_owner_reads(settings, viewers, gql):
    demo = await lived_in_demo(gql, viewers)
    arguments = await walk_arguments()
    async with gateway_with(
        settings,
        document_limits=WALK_LIMITS,
        max_body_bytes=WALK_BODY_BYTES,
        request_timeout=120.0,
        **UNLIMITED_RATES,
    ) as big:
        owner_sees = await walked_ids(big, demo.owner_token, arguments)
        assert {typename for typename, _ in owner_sees} == node_types()
        answers = await by_node(big, demo.owner_token, sorted(owner_sees))
    wrong = {
        key: answer
        for key, answer in answers.items()
        if answer != {"__typename": key[0], "id": key[1]}
    }
    assert wrong == {}


async def test_node_as_stranger_is_not_found_for_what_only_the_owner_reads(settings, viewers, gql):
    demo = await lived_in_demo(gql, viewers)
    arguments = await walk_arguments()
    async with gateway_with(
        settings,
        document_limits=WALK_LIMITS,
        max_body_bytes=WALK_BODY_BYTES,
        request_timeout=120.0,
        **UNLIMITED_RATES,
    ) as big:
        owner_sees = await walked_ids(big, demo.owner_token, arguments)
        stranger_sees = await walked_ids(big, demo.stranger_token, arguments)
        # The catalogue is public: the owner's walk meets home tariffs through her contract
        # that the stranger's (the MOBILE catalogue) does not, and they are no secret.
        hidden = sorted(k for k in owner_sees - stranger_sees if k[0] not in PUBLIC)
        answers = await by_node(big, demo.stranger_token, hidden)
    # Everything private to the family is in there: the catalogue is public, and the only
    # access request is the stranger's own.
    assert node_types() - {t for t, _ in hidden} == PUBLIC | {"AccessRequest"}
    assert {key: answer for key, answer in answers.items() if answer != "NOT_FOUND"} == {}
