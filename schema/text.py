"""Text a client sends must be text the database can keep.

Two characters a JSON string (or a GraphQL escape) can carry are not: NUL, which PostgreSQL
refuses in text (so a name or a token with one was a crash there, and stored as is on
SQLite), and a lone surrogate ("\\ud800"), which is not Unicode at all and cannot be encoded
to UTF-8 to be hashed, compared or stored. ID and String are graphql-core's own scalars and
cannot be replaced, so the check is made on the whole request, once, before any resolver:
`TextInLiterals` for the document's strings (a validation rule, cached with the document),
`unfit_text_in` for the variables.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import GraphQLError, StringValueNode, ValidationRule

UNFIT_TEXT_MESSAGE = "Text must not contain NUL characters or unpaired surrogates."
_UNFIT = re.compile("[\x00\ud800-\udfff]")


def unfit_text(text: str) -> bool:
    return _UNFIT.search(text) is not None


def unfit_text_in(value: Any) -> bool:
    """Whether any string in a JSON value (keys too) is unfit."""
    if isinstance(value, str):
        return unfit_text(value)
    if isinstance(value, dict):
        return any(unfit_text(str(key)) or unfit_text_in(item) for key, item in value.items())
    if isinstance(value, list):
        return any(unfit_text_in(item) for item in value)
    return False


def unfit_text_error() -> GraphQLError:
    return GraphQLError(UNFIT_TEXT_MESSAGE, extensions={"code": "BAD_USER_INPUT"})


class TextInLiterals(ValidationRule):
    def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
        if unfit_text(node.value):
            self.report_error(
                GraphQLError(UNFIT_TEXT_MESSAGE, node, extensions={"code": "BAD_USER_INPUT"})
            )
