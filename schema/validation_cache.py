"""Validation results per parsed document, found by the document's identity.

strawberry's ValidationCache keys an lru_cache by the document, and graphql-core hashes a
document by walking all of its nodes: on every request, a cost that grows with the size of
the query (a tenth of the family tree's execution time). The parser cache hands back the
same document object for the same query text, so its identity is key enough.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

_Key = tuple[int, int, tuple[type, ...]]


class _Results:
    """Bounded, least recently used first out. Each entry keeps its schema and document
    alive, so their ids cannot be reused by other objects while it is cached."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[_Key, tuple[Any, DocumentNode, list[GraphQLError]]] = (
            OrderedDict()
        )

    def validate(
        self, schema: GraphQLSchema, document: DocumentNode, rules: tuple[type, ...]
    ) -> list[GraphQLError]:
        key = (id(schema), id(document), rules)
        entry = self._entries.get(key)
        if entry is not None and entry[0] is schema and entry[1] is document:
            self._entries.move_to_end(key)
            return entry[2]
        errors = validate_document(schema, document, rules)  # type: ignore[arg-type]
        self._entries[key] = (schema, document, errors)
        if len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)
        return errors


_SHARED: dict[int, _Results] = {}


class DocumentValidationCache(SchemaExtension):
    """Use as a factory (`lambda: DocumentValidationCache(maxsize=256)`), after ParserCache:
    the results live at module level, shared by every request."""

    def __init__(self, maxsize: int = 256) -> None:
        super().__init__()
        self.results = _SHARED.setdefault(maxsize, _Results(maxsize))

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        assert context.graphql_document is not None
        context.pre_execution_errors = self.results.validate(
            context.schema._schema, context.graphql_document, tuple(context.validation_rules)
        )
        yield
