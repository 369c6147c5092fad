"""Kabinet's executor (schema/execution.py) answers exactly as graphql-core's own would.

Every query of the suite is compared against the stock executor already (tests/support/
twin_executor.py); the cases here are the rare ones the suite's queries never produce:
broken resolvers, nulls where the schema promises none, awaitables from sync resolvers.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from permissions.levels import Level
from permissions.viewer import Viewer
from schema import schema as served_schema
from schema.batched import batched
from schema.build import KabinetSchema
from schema.directives import access_field
from schema.types.access_level import AccessLevel
from tests.support import family

FULL = AccessLevel.FULL


@strawberry.type
class Part:
    label: str

    @strawberry.field
    async def loud(self) -> str | None:
        await asyncio.sleep(0)
        if self.label == "bad":
            raise ValueError("a bad part")
        return self.label.upper()

    @strawberry.field
    async def task(self) -> str:
        return str(id(asyncio.current_task()))


# Every call of a batched field's `many`, with the names of the objects it was given.
MANY_CALLS: list[list[str]] = []


async def shout_of(items: list[Item], context: Any, times: int = 1) -> list[str | None]:
    MANY_CALLS.append([item.name for item in items])
    await asyncio.sleep(0)
    if any(item.name == "b" and times > 1 for item in items):
        raise ValueError("b cannot shout twice")
    return [(item.name.upper() + "!") * times for item in items]


@strawberry.type
class Item:
    name: str
    maybe: str | None
    level: strawberry.Private[Level]

    @access_field(FULL)
    def secret(self) -> str | None:
        return f"secret of {self.name}"

    @strawberry.field
    def broken(self) -> str | None:
        raise ValueError(f"{self.name} is broken")

    @strawberry.field
    def promised(self) -> str:
        return None  # type: ignore[return-value]  # breaks the schema's promise on purpose

    @strawberry.field
    def later(self) -> str | None:
        async def value() -> str:
            await asyncio.sleep(0)
            return f"{self.name} later"

        return value()  # type: ignore[return-value]

    @strawberry.field
    def wrong_type(self) -> Item | None:
        return "not an item"  # type: ignore[return-value]

    @strawberry.field
    async def async_broken(self) -> str | None:
        raise ValueError(f"{self.name} is broken later")

    @strawberry.field
    async def async_promised(self) -> str:
        return None  # type: ignore[return-value]

    @access_field(FULL)
    async def async_secret(self) -> list[str] | None:
        await asyncio.sleep(0)
        return [self.name, "secret"]

    @strawberry.field
    def greet(self, word: str = "hi", times: int = 1) -> str:
        if times < 0:
            raise ValueError("times must not be negative")
        return " ".join([f"{word} {self.name}"] * times)

    @strawberry.field
    def tagged(self, tags: list[str]) -> str:
        tags.append(self.name)  # mutates its argument: must never be shared by requests
        return ",".join(tags)

    @strawberry.field
    def rooted(self, root: Item) -> str:
        return f"root {root.name}"

    @strawberry.field
    @batched(shout_of)
    async def shout(self, info: strawberry.Info, times: int = 1) -> str | None:
        return (await shout_of([self], info.context, times))[0]

    @strawberry.field
    async def parts(self) -> list[Part]:
        return [Part(label=self.name), Part(label="bad" if self.name == "b" else "ok")]

    @strawberry.field
    def best(self) -> Part | None:
        return Part(label=self.name) if self.name != "b" else None


@strawberry.type
class Shelf:
    @strawberry.field
    def items(self) -> list[Item]:
        return [
            Item(name="a", maybe=None, level=Level.FULL),
            Item(name="b", maybe="b", level=Level.TOPUP),
        ]

    @strawberry.field
    def strict(self) -> list[Item]:
        return [Item(name="a", maybe=None, level=Level.FULL), None]  # type: ignore[list-item]

    @strawberry.field
    def loose(self) -> list[Item | None]:
        return [None, Item(name="c", maybe="c", level=Level.OWNER)]

    @strawberry.field
    def names(self) -> list[str]:
        return ["x", "y"]

    @strawberry.field
    async def slow_item(self) -> Item:
        return Item(name="slow", maybe=None, level=Level.FULL)


@strawberry.type
class Query:
    @strawberry.field
    def shelf(self) -> Shelf:
        return Shelf()


@dataclass
class _Context:
    viewer: Viewer


QUERIES = [
    "{ shelf { items { name maybe secret } names } }",
    "{ shelf { items { n: name name maybe __typename } items { secret } } }",
    "{ shelf { items { broken } } }",
    "{ shelf { items { name promised } } }",
    "{ shelf { strict { name } } }",
    "{ shelf { loose { name } } }",
    "{ shelf { items { later } } }",
    "{ shelf { items { wrongType { name } } } }",
    "{ shelf { slowItem { name secret broken } items { name } } }",
    "query Q($skip: Boolean!) { shelf { items { name @skip(if: $skip) maybe } } }",
    "{ shelf { items { asyncBroken name asyncSecret } } }",
    "{ shelf { items { name asyncPromised } } }",
    '{ shelf { items { greet g: greet(word: "yo", times: 2) bad: greet(times: -1) } } }',
    '{ shelf { items { tagged(tags: ["x"]) again: tagged(tags: ["x"]) rooted } } }',
    'query Q($skip: Boolean!, $word: String = "var") { shelf { items { greet(word: $word) } } }',
    # Lists completed breadth-first (schema/execution/batches.py), clean and giving up deep.
    "{ shelf { items { name best { label loud } parts { label } } } }",
    "{ shelf { items { name best { loud } parts { label loud } } } }",
    "{ shelf { loose { parts { label } } items { parts { loud } } } }",
    # A batched field (schema/batched.py): one `many` for the list, or, when it raises,
    # the resolver object by object, which says which object failed.
    "{ shelf { items { name shout } loose { shout(times: 2) } } }",
    "{ shelf { items { name shout(times: 2) } } }",
]


async def _answer(schema: strawberry.Schema, query: str) -> Any:
    result = await schema.execute(
        query, variable_values={"skip": True}, context_value=_Context(Viewer(subscriber_id=1))
    )
    return result.data, [error.formatted for error in result.errors or []]


@pytest.mark.parametrize("query", QUERIES)
async def test_an_odd_resolver_is_answered_as_graphql_core_answers_it(query):
    fast = KabinetSchema(query=Query)
    stock = KabinetSchema(query=Query)
    stock.execution_context_class = StrawberryGraphQLCoreExecutionContext
    assert await _answer(fast, query) == await _answer(stock, query)


async def test_a_refused_guarded_field_is_null_with_forbidden():
    data, errors = await _answer(KabinetSchema(query=Query), "{ shelf { items { secret } } }")
    assert data == {"shelf": {"items": [{"secret": "secret of a"}, {"secret": None}]}}
    assert [(e["path"], e["extensions"]["code"]) for e in errors] == [
        (["shelf", "items", 1, "secret"], "FORBIDDEN")
    ]


def test_the_family_tree_fields_take_the_fast_path():
    plans = served_schema.execution_context_class.plans  # type: ignore[attr-defined]
    assert {"msisdn", "accessLevel", "balance", "tariff"} <= plans["Number"].keys()
    assert {"numbers", "children"} <= plans["Account"].keys()
    assert {"accounts", "numbers"} <= plans["Viewer"].keys()
    assert "amount" in plans["Money"] and "name" in plans["Tariff"]
    # Async resolvers (the loaders' fields) and fields with arguments are planned too.
    assert {"allowances", "autopay", "trustPayment", "payments"} <= plans["Number"].keys()
    assert plans["Number"]["payments"].is_async
    # A Relay id is a plain read (strawberry's GlobalID without an Info per node): the twin
    # executor checks every id the suite reads against strawberry's own.
    assert plans["Payment"]["id"].leaf_read is not None


async def test_literal_arguments_are_converted_once_and_mutable_ones_never_shared():
    schema = KabinetSchema(query=Query)
    query = '{ shelf { items { tagged(tags: ["x"]) greet(word: "yo") } } }'
    first = await _answer(schema, query)
    assert await _answer(schema, query) == first  # the list argument is made afresh
    assert first[0]["shelf"]["items"][0] == {"tagged": "x,a", "greet": "yo a"}


async def test_every_query_of_the_suite_is_checked_against_the_stock_executor(
    gql, viewers, executor_comparisons
):
    tree = await family.family_tree(total_numbers=3, depth=2)
    token = await viewers.token_for(tree.owner)
    before = executor_comparisons.count
    (await gql("{ viewer { numbers { msisdn } } }", token=token)).ok()
    assert executor_comparisons.count == before + 1


async def test_a_list_is_completed_breadth_first_with_its_async_fields_in_one_task():
    # Depth-first, each object's async fields would run in a task of its own.
    data, errors = await _answer(
        KabinetSchema(query=Query), "{ shelf { items { best { task } parts { task } } } }"
    )
    assert errors == []
    items = data["shelf"]["items"]
    tasks = {part["task"] for item in items for part in item["parts"]}
    assert tasks == {items[0]["best"]["task"]}
    assert items[1]["best"] is None


async def test_a_list_that_gives_up_deep_is_answered_whole_the_ordinary_way():
    data, errors = await _answer(
        KabinetSchema(query=Query), "{ shelf { items { name parts { label loud } } } }"
    )
    assert data == {
        "shelf": {
            "items": [
                {
                    "name": "a",
                    "parts": [{"label": "a", "loud": "A"}, {"label": "ok", "loud": "OK"}],
                },
                {
                    "name": "b",
                    "parts": [{"label": "b", "loud": "B"}, {"label": "bad", "loud": None}],
                },
            ]
        }
    }
    assert [(e["path"], e["message"]) for e in errors] == [
        (["shelf", "items", 1, "parts", 1, "loud"], "a bad part")
    ]


async def test_a_batched_field_of_a_list_is_answered_by_one_call_for_every_object():
    MANY_CALLS.clear()
    data, errors = await _answer(KabinetSchema(query=Query), "{ shelf { items { shout } } }")
    assert errors == []
    assert data == {"shelf": {"items": [{"shout": "A!"}, {"shout": "B!"}]}}
    assert MANY_CALLS == [["a", "b"]]


async def test_a_batched_field_that_fails_is_asked_again_object_by_object():
    MANY_CALLS.clear()
    data, errors = await _answer(
        KabinetSchema(query=Query), "{ shelf { items { shout(times: 2) } } }"
    )
    assert data == {"shelf": {"items": [{"shout": "A!A!"}, {"shout": None}]}}
    assert [(e["path"], e["message"]) for e in errors] == [
        (["shelf", "items", 1, "shout"], "b cannot shout twice")
    ]
    assert MANY_CALLS == [["a", "b"], ["a"], ["b"]]
