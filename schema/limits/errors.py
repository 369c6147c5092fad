"""The one shape of a refused document: BAD_USER_INPUT, naming the limit and its value."""

from __future__ import annotations

from graphql import GraphQLError


def limit_error(limit: str, value: int, message: str) -> GraphQLError:
    """`limit` is the setting's name (e.g. GRAPHQL_MAX_DEPTH), so a client developer can
    find it in the README and an operator knows what to change."""
    return GraphQLError(
        f"{message} (at most {value}, {limit}).",
        extensions={"code": "BAD_USER_INPUT", "limit": limit, "value": value},
    )
