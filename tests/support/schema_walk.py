"""Documents that select every field of every type reachable from Query, generated from the
schema itself, so a field added later is selected (and so compared by the twin executor)
without anyone remembering to write a query for it.

Each type is expanded in full wherever it appears, except a type already on the path (a
cycle: Account.parent, Number.account.numbers...), which gets only its leaf fields: the
field is still selected, and the document stays finite. Interfaces and unions get an inline
fragment per possible type. Every object selects `__typename`, so an answer tells which
Node types it holds and their ids (tests/schema/test_node_everywhere.py).

`tree_document` selects everything below some fields of one root field (`viewer { numbers
accounts }`: the family tree), each type in full once (where the walk first meets it; its
leaves wherever else it appears: every field of 500 numbers' catalogue subtrees would be
megabytes); `alone` then holds, for each (type, field) it selected, a
document reaching that field by its shortest path and selecting nothing else below it,
so what one field costs can be measured apart from the rest.

A required argument gets the value `arguments` names for it, or else one made from its
type (a field added later with a required argument is walked too).
"""

from __future__ import annotations

from collections.abc import Mapping

import graphql


class Literal(str):
    """An argument's value written in GraphQL as it is (an input object), not a string."""


# What a required argument gets, by name: a string (an id, an MSISDN) or a Literal; other
# ones a value made from their type.
Arguments = Mapping[str, str]
_BY_SCALAR = {
    "Int": "3",
    "Float": "1.5",
    "Boolean": "true",
    "Decimal": '"1.00"',
    "DateTime": '"2026-11-01T00:00:00Z"',
    "Date": '"2026-11-01"',
}


def _literal(value: str) -> str:
    if isinstance(value, Literal):
        return value
    return graphql.print_ast(graphql.StringValueNode(value=value))


def _value_for(kind: graphql.GraphQLInputType, name: str, arguments: Arguments) -> str:
    """A literal of the argument's type: the given value by name, else one made up."""
    if name in arguments:
        return _literal(arguments[name])
    named = graphql.get_nullable_type(kind)
    if isinstance(named, graphql.GraphQLList):
        return f"[{_value_for(named.of_type, name, arguments)}]"
    if isinstance(named, graphql.GraphQLEnumType):
        return next(iter(named.values))
    if isinstance(named, graphql.GraphQLInputObjectType):
        required = [
            f"{field}: {_value_for(spec.type, field, arguments)}"
            for field, spec in named.fields.items()
            if graphql.is_non_null_type(spec.type) and spec.default_value is graphql.Undefined
        ]
        return "{" + ", ".join(required) + "}"
    return _BY_SCALAR.get(named.name, _literal("x"))  # type: ignore[union-attr]


class SchemaWalk:
    def __init__(self, schema: graphql.GraphQLSchema, arguments: Arguments) -> None:
        self.schema = schema
        self.arguments = arguments
        self.covered: set[tuple[str, str]] = set()
        # (type, field) -> a document reaching it by its shortest path, nothing below it
        self.alone: dict[tuple[str, str], str] = {}
        # (type, field) -> the (type, field) above it on that path (None: the tree's top)
        self.above: dict[tuple[str, str], tuple[str, str] | None] = {}
        self._alone_depth: dict[tuple[str, str], int] = {}
        self._trail: tuple[str, ...] = ()
        self._above: tuple[str, str] | None = None
        self._expanded: set[str] | None = None  # types expanded in full (tree_document)

    def root_documents(self) -> dict[str, str]:
        """One document per root field of Query: `{ viewer { ...everything } }`."""
        query = self.schema.query_type
        assert query is not None
        return {
            name: "{ " + self._field(query, name, field, frozenset({query.name})) + " }"
            for name, field in sorted(query.fields.items())
        }

    def tree_document(self, root: str, fields: tuple[str, ...]) -> str:
        """`{ root { field { ...everything } ... } }` for the given fields of a root field
        of Query, and `alone` filled for every (type, field) below them."""
        query = self.schema.query_type
        assert query is not None
        named = graphql.get_named_type(query.fields[root].type)
        assert isinstance(named, graphql.GraphQLObjectType)
        path = frozenset({query.name, named.name})
        self._trail, self._expanded = (root,), set()
        selected = " ".join(self._field(named, name, named.fields[name], path) for name in fields)
        self._trail, self._expanded = (), None
        return f"{{ {root} {{ {selected} }} }}"

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
            f"{arg}: {_value_for(spec.type, arg, self.arguments)}"
            for arg, spec in field.args.items()
            if graphql.is_non_null_type(spec.type) and spec.default_value is graphql.Undefined
        ]
        text = name + (f"({', '.join(required)})" if required else "")
        if alias:  # same-named fields of two possible types may differ in type
            text = f"{owner.name}_{name}: {text}"
        named = graphql.get_named_type(field.type)
        leaf = graphql.is_leaf_type(named)
        if self._trail:
            self._remember_alone((owner.name, name), text if leaf else f"{text} {{ __typename }}")
        if leaf:
            return text
        outer, above = self._trail, self._above
        self._trail, self._above = (*outer, text), (owner.name, name)
        try:
            return f"{text} {{ {self._selection(named, path)} }}"
        finally:
            self._trail, self._above = outer, above

    def _remember_alone(self, key: tuple[str, str], innermost: str) -> None:
        trail = self._trail
        if self._alone_depth.get(key, len(trail) + 1) <= len(trail):
            return  # a path as short or shorter is known
        self._alone_depth[key] = len(trail)
        self.above[key] = self._above
        document = innermost
        for step in reversed(trail):
            document = f"{step} {{ {document} }}"
        self.alone[key] = "{ " + document + " }"

    def _selection(
        self,
        named: graphql.GraphQLNamedType,
        path: frozenset[str],
        alias: bool = False,
        leaves_only: bool = False,
    ) -> str:
        parts = ["__typename"]
        if graphql.is_abstract_type(named):
            possibles = self.schema.get_possible_types(named)  # type: ignore[arg-type]
            # An interface one of whose types is on the path is a cycle for all of them
            # (Number.pendingTariffChange.line: a Line is a Number or a HomeContract).
            cyclic = named.name in path or any(possible.name in path for possible in possibles)
            for possible in possibles:
                outer, self._trail = self._trail, (*self._trail, f"... on {possible.name}")
                try:
                    inner = self._selection(possible, path, alias=True, leaves_only=cyclic)
                finally:
                    self._trail = outer
                parts.append(f"... on {possible.name} {{ {inner} }}")
            return " ".join(parts)
        assert isinstance(named, graphql.GraphQLObjectType)
        # A type's interfaces (but Node, which every object has) count as on the path with
        # it: below a HomeContract, a Number is a Line again.
        kin = {face.name for face in named.interfaces if face.name != "Node"}
        inner = path | {named.name} | kin
        again = named.name in path or bool(kin & path) or leaves_only
        if self._expanded is not None and not leaves_only:
            again = again or named.name in self._expanded
            self._expanded.add(named.name)
        for name, field in named.fields.items():
            target = graphql.get_named_type(field.type)
            if again and not graphql.is_leaf_type(target):
                continue  # a cycle's second visit: leaves only (the field is covered above)
            parts.append(self._field(named, name, field, inner, alias))
        return " ".join(parts)
