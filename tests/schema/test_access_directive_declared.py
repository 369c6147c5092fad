"""`access_field` and `access_mutation` declare and enforce in one place: a schema built here,
at test time, shows both (the product's schema is built once at import, before a test runs).

The context is the smallest one the extensions read (viewer, and the reach's level for
mutations): the directive's own rules are under test, the reach is tested in tests/schema/access.
"""

from dataclasses import dataclass
from typing import Any

import pytest
import strawberry

from permissions.levels import Level
from permissions.viewer import Viewer
from schema.directives import access_field, access_mutation
from schema.types.access_level import AccessLevel

OWNER_ID, PARTNER_ID = 1, 2
NUMBER_ID = 7


async def _number_named(info: strawberry.Info, arguments: dict[str, Any]) -> int | None:
    return NUMBER_ID if arguments["msisdn"] == "+70000000007" else None


def declared_schema() -> strawberry.Schema:
    """Built when a test runs, so the field declarations are made under test too."""

    @strawberry.type
    class Line:
        level: strawberry.Private[Level]
        minor: strawberry.Private[int] = 100
        # A field without a resolver of its own: the check hands the object to the default one.
        plan: str | None = access_field(AccessLevel.FULL, default="Семейный")

        # Both read their object and the request, as the product's fields do: the check
        # must hand both on to the resolver unchanged.
        @access_field(AccessLevel.FULL, scope="balance:read", description="Needs FULL and a scope.")
        def balance(self, info: strawberry.Info, times: int = 1) -> int | None:
            return self.minor * times if info.context.viewer else None

        @access_field(AccessLevel.OWNER, name="ownerNote")
        async def note(self, info: strawberry.Info) -> str | None:
            return "owner's" if info.context.viewer and self.minor else None

    @strawberry.type
    class Query:
        @strawberry.field
        def line(self, level: str) -> Line:
            return Line(level=Level[level])

    @strawberry.type
    class Mutation:
        @access_mutation(AccessLevel.FULL, _number_named, scope="manage", name="renameLine")
        async def rename(self, msisdn: str) -> str:
            return "renamed"

        @access_mutation(
            AccessLevel.OWNER, _number_named, scope="manage", hidden_as="No such request."
        )
        async def approve(self, msisdn: str) -> str:
            return "approved"

    return strawberry.Schema(query=Query, mutation=Mutation)


@pytest.fixture
def schema() -> strawberry.Schema:
    return declared_schema()


@dataclass
class Reach:
    levels: dict[int, Level]

    def level(self, number_id: int) -> Level:
        return self.levels.get(number_id, Level.NONE)


@dataclass
class Loaders:
    at: Level

    async def reach(self) -> Reach:
        return Reach({NUMBER_ID: self.at})


@dataclass
class Context:
    viewer: Viewer
    loaders: Loaders


SUBSCRIBER = Viewer(subscriber_id=OWNER_ID)
SCOPED_APP = Viewer(partner_app_id=PARTNER_ID, scopes=frozenset({"balance:read", "manage"}))
BARE_APP = Viewer(partner_app_id=PARTNER_ID, scopes=frozenset())


async def run(
    schema: strawberry.Schema, document: str, viewer: Viewer, level: Level = Level.NONE
) -> dict[str, Any]:
    result = await schema.execute(document, context_value=Context(viewer, Loaders(level)))
    errors = [
        {"message": e.message, **(e.extensions or {}), "path": e.path} for e in result.errors or []
    ]
    return {"data": result.data, "errors": errors}


def test_the_sdl_shows_each_fields_level_and_scope(schema):
    sdl = schema.as_str()
    assert 'balance(times: Int! = 1): Int @access(level: FULL, scope: "balance:read")' in sdl
    assert "ownerNote: String @access(level: OWNER)\n" in sdl
    assert 'renameLine(msisdn: String!): String! @access(level: FULL, scope: "manage")' in sdl
    assert 'approve(msisdn: String!): String! @access(level: OWNER, scope: "manage")\n' in sdl
    assert '"""Needs FULL and a scope."""' in sdl


@pytest.mark.parametrize(
    ("viewer", "level", "balance", "note"),
    [
        (SUBSCRIBER, "OWNER", 100, "owner's"),
        (SUBSCRIBER, "FULL", 100, None),
        (SCOPED_APP, "FULL", 100, None),
        (BARE_APP, "OWNER", None, "owner's"),
        (SUBSCRIBER, "TOPUP", None, None),
    ],
)
async def test_fields_answer_at_their_level_and_refuse_below_it(
    schema, viewer, level, balance, note
):
    answer = await run(schema, f'{{ line(level: "{level}") {{ balance ownerNote }} }}', viewer)
    assert answer["data"] == {"line": {"balance": balance, "ownerNote": note}}
    refused = {tuple(e["path"]): e for e in answer["errors"]}
    if balance is None:
        assert refused["line", "balance"]["code"] == "FORBIDDEN"
    if note is None:
        assert refused["line", "ownerNote"]["requiredLevel"] == "OWNER"
    assert len(refused) == (balance is None) + (note is None)


async def test_a_field_s_arguments_reach_its_resolver_through_the_check(schema):
    answer = await run(schema, '{ line(level: "FULL") { balance(times: 3) } }', SUBSCRIBER)
    assert answer["data"] == {"line": {"balance": 300}}


@pytest.mark.parametrize(("level", "plan"), [("FULL", "Семейный"), ("TOPUP", None)])
async def test_a_field_without_a_resolver_answers_its_object_s_value_at_its_level(
    schema, level, plan
):
    answer = await run(schema, f'{{ line(level: "{level}") {{ plan }} }}', SUBSCRIBER)
    assert answer["data"] == {"line": {"plan": plan}}


async def test_an_app_at_the_level_without_the_scope_is_told_the_scope(schema):
    answer = await run(schema, '{ line(level: "FULL") { balance } }', BARE_APP)
    (error,) = answer["errors"]
    assert error["message"] == "This needs the balance:read scope on the app's token."
    assert (error["requiredLevel"], error["requiredScope"]) == ("FULL", "balance:read")


RENAME = 'mutation { renameLine(msisdn: "+70000000007") }'


@pytest.mark.parametrize(
    ("viewer", "level", "answer", "code"),
    [
        (SUBSCRIBER, Level.FULL, "renamed", None),
        (SCOPED_APP, Level.OWNER, "renamed", None),
        (BARE_APP, Level.OWNER, None, "FORBIDDEN"),
        (SUBSCRIBER, Level.TOPUP, None, "FORBIDDEN"),
        (SUBSCRIBER, Level.NONE, None, "NOT_FOUND"),
        (Viewer(), Level.OWNER, None, "UNAUTHENTICATED"),
    ],
)
async def test_mutation_checks_the_level_on_the_number_it_names(
    schema, viewer, level, answer, code
):
    result = await run(schema, RENAME, viewer, level)
    assert (result["data"] or {}).get("renameLine") == answer
    assert [e["code"] for e in result["errors"]] == ([code] if code else [])


async def test_mutation_on_a_number_it_cannot_name_is_not_found(schema):
    result = await run(
        schema, 'mutation { renameLine(msisdn: "+79999999999") }', SUBSCRIBER, Level.OWNER
    )
    assert [(e["code"], e["message"]) for e in result["errors"]] == [
        ("NOT_FOUND", "No such number.")
    ]


async def test_mutation_below_the_level_tells_the_level_it_needs(schema):
    result = await run(schema, RENAME, SUBSCRIBER, Level.TOPUP)
    (error,) = result["errors"]
    assert (error["message"], error["requiredLevel"]) == (
        "This needs FULL access to the number.",
        "FULL",
    )


@pytest.mark.parametrize("level", [Level.FULL, Level.TOPUP, Level.NONE])
async def test_a_hidden_argument_below_the_level_answers_as_missing(schema, level):
    result = await run(schema, 'mutation { approve(msisdn: "+70000000007") }', SUBSCRIBER, level)
    assert [(e["code"], e["message"]) for e in result["errors"]] == [
        ("NOT_FOUND", "No such request.")
    ]


@pytest.mark.parametrize(("app", "answer"), [(BARE_APP, None), (SCOPED_APP, "approved")])
async def test_a_hidden_argument_is_missing_to_an_app_without_the_scope(schema, app, answer):
    """The level is there, the scope is not: the app must not learn the id exists either."""
    result = await run(schema, 'mutation { approve(msisdn: "+70000000007") }', app, Level.OWNER)
    if answer is None:
        assert [(e["code"], e["message"]) for e in result["errors"]] == [
            ("NOT_FOUND", "No such request.")
        ]
    else:
        assert result == {"data": {"approve": answer}, "errors": []}


async def test_a_hidden_argument_at_the_level_is_used(schema):
    result = await run(
        schema, 'mutation { approve(msisdn: "+70000000007") }', SUBSCRIBER, Level.OWNER
    )
    assert result == {"data": {"approve": "approved"}, "errors": []}
