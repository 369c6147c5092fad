"""Every argument of the schema, fed every malformed value of its type, as the demo family's
owner (full access): each answer is an answer (a code, or a validation/coercion error), never
"Internal server error.", and nothing is logged at ERROR.

The arguments are found by walking the schema, not listed: a new argument, input field or
nested field with arguments is covered the day it is added.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType, get_named_type, is_leaf_type

from gateway.config import Settings
from models import Subscriber
from resolvers.demo import seed_demo
from schema import schema
from tests.support.hostile import (
    OWNER_PHONE,
    UNLIMITED_RATES,
    assert_answered_not_crashed,
    leaf_slots,
    literal,
    malformed_values,
    required_arguments,
    with_value_at,
)

GRAPHQL_SCHEMA = schema._schema
MAX_DEPTH = 3  # Query.viewer.numbers.payments is the deepest field with arguments


@dataclass(frozen=True)
class Site:
    """A field with arguments, and the fields that lead to it from the root."""

    operation: str  # "query" or "mutation"
    path: tuple[tuple[str, Any], ...]  # (field name, GraphQLField), root first

    @property
    def coordinate(self) -> str:
        return ".".join(name for name, _ in self.path)

    @property
    def field(self) -> Any:
        return self.path[-1][1]


def _sites() -> Iterator[Site]:
    """Breadth first from each root, every (type, field) with arguments once, by its
    shortest path."""
    seen: set[tuple[str, str]] = set()
    roots = [("query", GRAPHQL_SCHEMA.query_type), ("mutation", GRAPHQL_SCHEMA.mutation_type)]
    for operation, root in roots:
        assert root is not None
        queue: list[tuple[GraphQLObjectType, tuple[tuple[str, Any], ...]]] = [(root, ())]
        while queue:
            parent, path = queue.pop(0)
            for name, field in parent.fields.items():
                here = (*path, (name, field))
                if field.args and (parent.name, name) not in seen:
                    seen.add((parent.name, name))
                    yield Site(operation, here)
                child = get_named_type(field.type)
                if isinstance(child, GraphQLObjectType) and len(here) < MAX_DEPTH:
                    if operation == "query":  # mutation payloads repeat query types
                        queue.append((child, here))


SITES = list(_sites())


def _arguments(values: dict[str, Any], field: Any, variable: str | None = None) -> str:
    parts = [
        f"{name}: ${variable}"
        if name == variable
        else f"{name}: {literal(value, field.args[name].type)}"
        for name, value in values.items()
    ]
    return f"({', '.join(parts)})" if parts else ""


def _document(site: Site, target_args: dict[str, Any], variable: str | None) -> str:
    """The operation reaching the site's field; fields on the way get valid arguments."""
    selection = ""
    for index, (name, field) in enumerate(reversed(site.path)):
        is_target = index == 0
        args = (
            _arguments(target_args, field, variable)
            if is_target
            else _arguments(required_arguments(field), field)
        )
        inner = selection or ("" if is_leaf_type(get_named_type(field.type)) else "{ __typename }")
        selection = f"{name}{args} {inner}".strip()
        selection = "{ " + selection + " }"
    header = site.operation
    if variable:
        header += f"(${variable}: {site.field.args[variable].type})"
    return f"{header} {selection}"


def _cases(site: Site) -> Iterator[tuple[str, dict[str, Any]]]:
    """(document, variables): each malformed value in each leaf of each argument, once as a
    literal and once as a variable; the other required arguments valid."""
    field = site.field
    valid = required_arguments(field)
    for arg_name, arg in field.args.items():
        for slot in leaf_slots(arg_name, arg.type):
            for bad in malformed_values(slot.type):
                values = with_value_at(valid, slot.path, bad)
                if not (isinstance(bad, str) and "\ud800" in bad):  # a lone surrogate: JSON only
                    yield _document(site, values, None), {}
                yield _document(site, values, arg_name), {arg_name: values[arg_name]}


async def _post(http: httpx.AsyncClient, token: str, query: str, variables: dict[str, Any]) -> Any:
    # Encoded here (not by httpx) so that a lone surrogate goes as the \ud800 escape.
    body = json.dumps({"query": query, "variables": variables})
    response = await http.post(
        "/graphql",
        content=body.encode(),
        headers={"Authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    assert response.status_code != 500, (query, response.text)
    return response.json()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, **UNLIMITED_RATES)


def test_the_walk_finds_every_kind_of_argument():
    coordinates = {site.coordinate for site in SITES}
    assert {"number", "node", "topUp", "grantAccess", "revokeSession"} <= coordinates
    assert "number.payments" in coordinates and "number.balanceHistory" in coordinates
    assert len(SITES) >= 25


@pytest.mark.parametrize("site", SITES, ids=lambda site: f"{site.operation}.{site.coordinate}")
async def test_owner_sending_malformed_arguments_gets_answers_not_crashes(
    site: Site, http: httpx.AsyncClient, viewers, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.ERROR, logger="kabinet.errors")
    await seed_demo()
    owner = await Subscriber.get(phone=OWNER_PHONE)
    token = await viewers.token_for(owner)
    sent, failures = 0, []
    for query, variables in _cases(site):
        caplog.clear()
        body = await _post(http, token, query, variables)
        try:
            assert_answered_not_crashed(body, caplog)
        except AssertionError as failure:
            failures.append(f"{query!r:.240} {variables!r:.160}: {failure}")
        sent += 1
    assert sent > 0
    assert not failures, "\n".join(failures)
