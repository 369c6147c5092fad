"""Validation of one document with given rules (graphql-core's `validate`, with the
production rule on suggestions). Results are remembered with the document in
schema/document_checks.py, by the document's identity: strawberry's ValidationCache keys
an lru_cache by the document, and graphql-core hashes a document by walking all of its
nodes on every request."""

from __future__ import annotations

from graphql import DocumentNode, GraphQLError, GraphQLSchema, validate


def validate_document(
    schema: GraphQLSchema,
    document: DocumentNode,
    rules: tuple[type, ...],
    hide_suggestions: bool = False,
) -> list[GraphQLError]:
    return validate(schema, document, rules, hide_suggestions=hide_suggestions)
