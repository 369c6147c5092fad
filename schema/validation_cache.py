"""Validation results per parsed document, found by the document's identity.

strawberry's ValidationCache keys an lru_cache by the document, and graphql-core hashes a
document by walking all of its nodes: on every request, a cost that grows with the size of
the query (a tenth of the family tree's execution time). The parser cache hands back the
same document object for the same query text, so its identity is key enough.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, validate

_Key = tuple[int, int, tuple[type, ...], bool]


def validate_document(
    schema: GraphQLSchema,
    document: DocumentNode,
    rules: tuple[type, ...],
    hide_suggestions: bool = False,
) -> list[GraphQLError]:
    return validate(schema, document, rules, hide_suggestions=hide_suggestions)


class _Results:
    """Bounded, least recently used first out. Each entry keeps its schema and document
    alive, so their ids cannot be reused by other objects while it is cached."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[_Key, tuple[Any, DocumentNode, list[GraphQLError]]] = (
            OrderedDict()
        )

    def validate(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        rules: tuple[type, ...],
        hide_suggestions: bool = False,
    ) -> list[GraphQLError]:
        key = (id(schema), id(document), rules, hide_suggestions)
        entry = self._entries.get(key)
        if entry is not None and entry[0] is schema and entry[1] is document:
            self._entries.move_to_end(key)
            return entry[2]
        errors = validate_document(schema, document, rules, hide_suggestions)
        self._entries[key] = (schema, document, errors)
        if len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)
        return errors
