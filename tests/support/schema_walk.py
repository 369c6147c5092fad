"""Documents that select every field of every type reachable from Query, generated from the
schema itself, so a field added later is selected (and so compared by the twin executor)
without anyone remembering to write a query for it.

Each type is expanded in full wherever it appears, except a type already on the path (a
cycle: Account.parent, Number.account.numbers...), which gets only its leaf fields: the
field is still selected, and the document stays finite. Interfaces and unions get an inline
fragment per possible type. Every object selects `__typename`, so an answer tells which
Node types it holds and their ids (tests/schema/test_node_everywhere.py).
"""

from __future__ import annotations

from collections.abc import Mapping

import graphql


class Literal(str):
    """An argument's value written in GraphQL as it is (an input object), not a string."""


# What a required argument gets, by name: a string (an id, an MSISDN) or a Literal.
Arguments = Mapping[str, str]


def _literal(value: str) -> str:
    if isinstance(value, Literal):
        return value
    return graphql.print_ast(graphql.StringValueNode(value=value))


class SchemaWalk:
    def __init__(self, schema: graphql.GraphQLSchema, arguments: Arguments) -> None:
        self.schema = schema
        self.arguments = arguments
        self.covered: set[tuple[str, str]] = set()

    def root_documents(self) -> dict[str, str]:
        """One document per root field of Query: `{ viewer { ...everything } }`."""
        query = self.schema.query_type
        assert query is not None
        return {
            name: "{ " + self._field(query, name, field, frozenset({query.name})) + " }"
            for name, field in sorted(query.fields.items())
        }

    def every_field(self) -> set[tuple[str, str]]:
        """(type, field) of every object type reachable from Query (an interface's fields
        are selected on the types that implement it)."""
        seen: set[str] = set()
        found: set[tuple[str, str]] = set()
        todo: list[graphql.GraphQLNamedType] = [self.schema.query_type]  # type: ignore[list-item]
        while todo:
            named = todo.pop()
            if named.name in seen:
                continue
            seen.add(named.name)
            if isinstance(named, graphql.GraphQLObjectType | graphql.GraphQLInterfaceType):
                for name, field in named.fields.items():
                    if isinstance(named, graphql.GraphQLObjectType):
                        found.add((named.name, name))
                    todo.append(graphql.get_named_type(field.type))
            if graphql.is_abstract_type(named):
                todo.extend(self.schema.get_possible_types(named))  # type: ignore[arg-type]
        return found

    def _field(
        self,
        owner: graphql.GraphQLObjectType | graphql.GraphQLInterfaceType,
        name: str,
        field: graphql.GraphQLField,
        path: frozenset[str],
        alias: bool = False,
    ) -> str:
        self.covered.add((owner.name, name))
        required = [
            f"{arg}: {_literal(self.arguments[arg])}"
            for arg, spec in field.args.items()
            if graphql.is_non_null_type(spec.type) and spec.default_value is graphql.Undefined
        ]
        text = name + (f"({', '.join(required)})" if required else "")
        if alias:  # same-named fields of two possible types may differ in type
            text = f"{owner.name}_{name}: {text}"
        named = graphql.get_named_type(field.type)
        if graphql.is_leaf_type(named):
            return text
        return f"{text} {{ {self._selection(named, path)} }}"

    def _selection(
        self, named: graphql.GraphQLNamedType, path: frozenset[str], alias: bool = False
    ) -> str:
        parts = ["__typename"]
        if graphql.is_abstract_type(named):
            for possible in self.schema.get_possible_types(named):  # type: ignore[arg-type]
                inner = self._selection(possible, path, alias=True)
                parts.append(f"... on {possible.name} {{ {inner} }}")
            return " ".join(parts)
        assert isinstance(named, graphql.GraphQLObjectType)
        inner = path | {named.name}
        for name, field in named.fields.items():
            target = graphql.get_named_type(field.type)
            if named.name in path and not graphql.is_leaf_type(target):
                continue  # a cycle's second visit: leaves only (the field is covered above)
            parts.append(self._field(named, name, field, inner, alias))
        return " ".join(parts)
