"""Kabinet's extension runner (schema/extension_hooks.py) runs extensions' hooks as
strawberry's own runner does: every kind of hook, in order in, in reverse order out."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import strawberry
from strawberry.extensions import SchemaExtension

from schema.build import KabinetSchema
from schema.extension_hooks import ExtensionsRunner

CALLS: list[str] = []


class Outer(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        CALLS.append("outer in")
        yield
        CALLS.append(f"outer out, errors: {bool(self.execution_context.result.errors)}")

    async def on_execute(self) -> AsyncIterator[None]:
        CALLS.append("outer execute in")
        yield
        CALLS.append("outer execute out")


class Inner(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        CALLS.append("inner in")
        yield
        CALLS.append("inner out")

    def on_validate(self) -> None:  # a plain function: strawberry wraps it itself
        CALLS.append("inner validate")

    async def on_parse(self) -> None:  # a coroutine function, likewise
        CALLS.append("inner parse")


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        CALLS.append("resolver")
        return "hi"


async def test_every_kind_of_hook_runs_in_order_and_unwinds_in_reverse():
    schema = KabinetSchema(query=Query, extensions=[Outer, Inner])
    assert isinstance(schema.create_extensions_runner(None, []), ExtensionsRunner)
    for _ in range(2):  # the second request uses the hooks looked up by the first
        CALLS.clear()
        result = await schema.execute("{ hello }")
        assert result.data == {"hello": "hi"}
        assert CALLS == [
            "outer in",
            "inner in",
            "inner parse",
            "inner validate",
            "outer execute in",
            "resolver",
            "outer execute out",
            "inner out",
            "outer out, errors: False",
        ]


async def test_an_error_reaches_the_hooks_that_look_at_the_result():
    schema = KabinetSchema(query=Query, extensions=[Outer, Inner])
    CALLS.clear()
    result = await schema.execute("{ nope }")
    assert result.errors
    assert CALLS[-1] == "outer out, errors: True"
