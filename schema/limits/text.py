"""Checks on the query text before it is parsed: its size, its tokens, and how deeply its
brackets nest. graphql-core's parser is recursive, so a document of nested brackets can
exhaust the stack before any later check sees it; the lexer is not, and one pass over its
tokens is linear."""

from __future__ import annotations

from graphql import GraphQLError, Source, TokenKind
from graphql.language.lexer import Lexer

from resolvers.policy import DocumentLimits
from schema.limits.errors import limit_error

_OPENING = {TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L}
_CLOSING = {TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R}


def nesting_bound(limits: DocumentLimits) -> int:
    """Selection sets nest at most max_depth deep, each may open an argument list and a few
    levels of list or object values: anything deeper is refused without parsing."""
    return 2 * limits.max_depth + 12


def check_text(query: str, limits: DocumentLimits) -> None:
    """Raises a GraphQLError (BAD_USER_INPUT) naming the first limit the text is over."""
    if len(query) > limits.max_document_bytes or (
        len(query.encode("utf-8", "surrogatepass")) > limits.max_document_bytes
    ):
        raise limit_error(
            "GRAPHQL_MAX_DOCUMENT_BYTES",
            limits.max_document_bytes,
            "The document is too large",
        )
    lexer = Lexer(Source(query))
    tokens = depth = 0
    bound = nesting_bound(limits)
    try:
        token = lexer.advance()
        while True:
            # The lexer links tokens both ways; cut the way back so the tokens are freed
            # with the lexer rather than by the cyclic garbage collector.
            token.prev = None
            if token.kind is TokenKind.EOF:
                break
            tokens += 1
            if tokens > limits.max_tokens:
                raise limit_error(
                    "GRAPHQL_MAX_TOKENS", limits.max_tokens, "The document has too many tokens"
                )
            if token.kind in _OPENING:
                depth += 1
                if depth > bound:
                    raise limit_error(
                        "GRAPHQL_MAX_DEPTH",
                        limits.max_depth,
                        f"The document nests brackets more than {bound} deep",
                    )
            elif token.kind in _CLOSING:
                depth -= 1
            token = lexer.advance()
    except GraphQLError as error:
        if error.extensions and "limit" in error.extensions:
            raise
        # A syntax error: the parser will report it, with its location, in its own words.
        return
