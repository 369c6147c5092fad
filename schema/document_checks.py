"""Everything done to a document before it runs, as one schema extension: the text checks
and parsing (cached by text), the limits (cached by document while they do not depend on
variables), and validation (cached by document identity; see schema/validation_cache.py).

Nothing here grows faster than the document: the text is lexed once, fragments are
analysed once each, and the one validation rule that compares fields pairwise runs on a
budget (schema/limits/overlap.py).
"""

from __future__ import annotations

import hmac
from collections import OrderedDict
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    NoSchemaIntrospectionCustomRule,
    OverlappingFieldsCanBeMergedRule,
    parse,
    specified_rules,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from resolvers.policy import DocumentLimits, RequestPolicy
from schema.limits import analyse, budgeted_overlap_rule, check_document, check_text
from schema.limits.analysis import Analysis
from schema.text import TextInLiterals
from schema.validation_cache import _Results

CACHE_SIZE = 256


@lru_cache(maxsize=16)
def validation_rules(comparison_budget: int, introspection: bool) -> tuple[type, ...]:
    """graphql-core's specified rules, the overlap rule on a budget, strawberry's two
    (as its own validation adds them), ours on text, and in production no introspection."""
    overlap = budgeted_overlap_rule(comparison_budget)
    rules = (
        *(
            overlap if rule is OverlappingFieldsCanBeMergedRule else rule
            for rule in specified_rules
        ),
        MaybeNullValidationRule,
        OneOfInputValidationRule,
        TextInLiterals,  # text no database can keep (schema/text.py)
    )
    return rules if introspection else (*rules, NoSchemaIntrospectionCustomRule)


_DEFAULT_POLICY = RequestPolicy()


@lru_cache(maxsize=CACHE_SIZE)
def _parse(query: str, limits: DocumentLimits) -> DocumentNode:
    """Raises a GraphQLError: a limit (BAD_USER_INPUT) or a syntax error
    (GRAPHQL_PARSE_FAILED)."""
    check_text(query, limits)
    try:
        return parse(query, max_tokens=limits.max_tokens)
    except GraphQLError as error:
        error.extensions = {**(error.extensions or {}), "code": "GRAPHQL_PARSE_FAILED"}
        raise


def _with_codes(errors: list[GraphQLError]) -> list[GraphQLError]:
    """Every validation error gets a code a client can switch on (cached with the
    result, so set once per document)."""
    for error in errors:
        if not (error.extensions or {}).get("code"):
            disabled = error.message.startswith("GraphQL introspection has been disabled")
            error.extensions = {
                **(error.extensions or {}),
                "code": "INTROSPECTION_DISABLED" if disabled else "GRAPHQL_VALIDATION_FAILED",
            }
    return errors


class _Analyses:
    """Limit analyses of documents whose totals do not depend on variables, by identity
    (each entry keeps its document alive, so its id cannot be reused meanwhile)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple[int, DocumentLimits, str | None], Any] = OrderedDict()

    def analyse(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        limits: DocumentLimits,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> Analysis:
        key = (id(document), limits, operation_name)
        entry = self._entries.get(key)
        if entry is not None and entry[0] is document:
            self._entries.move_to_end(key)
            return entry[1]
        analysis = analyse(schema, document, limits, variables, operation_name)
        if not analysis.per_request:
            self._entries[key] = (document, analysis)
            if len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return analysis


_ANALYSES = _Analyses(CACHE_SIZE)
_VALIDATIONS = _Results(CACHE_SIZE)


def policy_of(context: Any) -> RequestPolicy:
    return getattr(context, "policy", None) or _DEFAULT_POLICY


def introspection_allowed(context: Any) -> bool:
    policy = policy_of(context)
    if policy.introspection_open:
        return True
    sent = getattr(context, "introspection_key", None)
    return bool(
        policy.introspection_key
        and sent
        and hmac.compare_digest(sent.encode(), policy.introspection_key.encode())
    )


class DocumentChecks(SchemaExtension):
    """Use as a factory (`lambda: DocumentChecks()`): the caches live at module level."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            limits = policy_of(context.context).limits
            context.graphql_document = _parse(context.query, limits)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        assert document is not None
        policy = policy_of(context.context)
        schema = context.schema._schema
        analysis = _ANALYSES.analyse(
            schema, document, policy.limits, context.variables, context.operation_name
        )
        errors: list[GraphQLError] = check_document(analysis, policy.limits)
        if not errors:
            rules = validation_rules(
                policy.limits.max_field_comparisons, introspection_allowed(context.context)
            )
            errors = _with_codes(
                _VALIDATIONS.validate(schema, document, rules, policy.hide_suggestions)
            )
        context.pre_execution_errors = errors
        yield
