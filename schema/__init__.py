"""The GraphQL schema: strawberry types and the fields that call into resolvers/."""

from schema.build import build_schema

schema = build_schema()

__all__ = ["build_schema", "schema"]
