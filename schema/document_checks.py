"""Everything done to a document before it runs, as one schema extension: the text checks
and parsing, the limits, and validation, all remembered with the document for texts that
come back (the limits only while they do not depend on variables).

Nothing here grows faster than the document: the text is lexed once, fragments are
analysed once each, and the one validation rule that compares fields pairwise runs on a
budget (schema/limits/overlap.py).
"""

from __future__ import annotations

import hmac
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    NoSchemaIntrospectionCustomRule,
    NoUndefinedVariablesRule,
    NoUnusedVariablesRule,
    OperationDefinitionNode,
    OverlappingFieldsCanBeMergedRule,
    UniqueVariableNamesRule,
    VariablesAreInputTypesRule,
    VariablesInAllowedPositionRule,
    parse,
    specified_rules,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from resolvers.policy import DocumentLimits, RequestPolicy
from schema import validation_cache
from schema.limits import analyse, budgeted_overlap_rule, check_document, check_text
from schema.limits.analysis import Analysis
from schema.text import TextInLiterals

CACHE_SIZE = 256  # documents kept
REMEMBERED_TEXTS = 4096  # texts seen once, remembered (as hashes) to admit on a second sighting
_DEFAULT_POLICY = RequestPolicy()


# Rules that only look at variables: a document without a `$` anywhere has none to find,
# and NoUndefinedVariables alone walks the whole document a second time (a fifth of
# validation for a large document).
_VARIABLE_RULES = frozenset(
    {
        NoUndefinedVariablesRule,
        NoUnusedVariablesRule,
        UniqueVariableNamesRule,
        VariablesAreInputTypesRule,
        VariablesInAllowedPositionRule,
    }
)


@lru_cache(maxsize=16)
def validation_rules(
    comparison_budget: int, introspection: bool, variables: bool = True
) -> tuple[type, ...]:
    """graphql-core's specified rules, the overlap rule on a budget, strawberry's two
    (as its own validation adds them), ours on text, in production no introspection, and
    without variables none of the rules about them."""
    overlap = budgeted_overlap_rule(comparison_budget)
    rules = (
        *(
            overlap if rule is OverlappingFieldsCanBeMergedRule else rule
            for rule in specified_rules
            if variables or rule not in _VARIABLE_RULES
        ),
        MaybeNullValidationRule,
        OneOfInputValidationRule,
        TextInLiterals,  # text no database can keep (schema/text.py)
    )
    return rules if introspection else (*rules, NoSchemaIntrospectionCustomRule)


def parse_checked(query: str, limits: DocumentLimits) -> DocumentNode:
    """Raises a GraphQLError: a limit (BAD_USER_INPUT) or a syntax error
    (GRAPHQL_PARSE_FAILED)."""
    check_text(query, limits)
    try:
        document = parse(query, max_tokens=limits.max_tokens)
    except GraphQLError as error:
        error.extensions = {**(error.extensions or {}), "code": "GRAPHQL_PARSE_FAILED"}
        raise
    _unlink_tokens(document)
    return document


def _unlink_tokens(document: DocumentNode) -> None:
    """graphql-core's tokens link both ways (`prev`, `next`) and every node's location
    holds two of them: each document is a web of reference cycles that only the cyclic
    garbage collector frees, in pauses that grow with everything alive. Nothing reads
    `prev` after parsing; without it a document is freed the moment it is dropped."""
    token = document.loc.start_token if document.loc else None
    while token is not None:
        token.prev = None
        token = token.next


def _with_codes(errors: list[GraphQLError]) -> list[GraphQLError]:
    """Every validation error gets a code a client can switch on."""
    for error in errors:
        if not (error.extensions or {}).get("code"):
            disabled = error.message.startswith("GraphQL introspection has been disabled")
            error.extensions = {
                **(error.extensions or {}),
                "code": "INTROSPECTION_DISABLED" if disabled else "GRAPHQL_VALIDATION_FAILED",
            }
    return errors


_ValidationKey = tuple[int, tuple[type, ...], bool]  # schema, rules, hide suggestions


@dataclass
class Checked:
    """A parsed document and what was found about it."""

    document: DocumentNode
    analyses: dict[str | None, Analysis] = field(default_factory=dict)  # by operation name
    validations: dict[_ValidationKey, list[GraphQLError]] = field(default_factory=dict)


_Key = tuple[str, DocumentLimits]


class Documents:
    """Checked documents by text, for texts that come back: a text is kept the second
    time it is seen, and only once it passed every check. Real clients send the same few
    documents again and again; an attacker's are new each time and must not fill the
    cache (each cached document is thousands of objects the garbage collector walks)."""

    def __init__(self, maxsize: int = CACHE_SIZE, remembered: int = REMEMBERED_TEXTS) -> None:
        self.maxsize = maxsize
        self.remembered = remembered
        self._entries: OrderedDict[_Key, Checked] = OrderedDict()
        self._seen: OrderedDict[int, None] = OrderedDict()  # hashes of texts seen once
        # The operations of kept documents, by id: the executor memoises its work across
        # requests only for these (schema/execution/executor.py).
        self._operations: dict[int, OperationDefinitionNode] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: _Key) -> Checked | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def seen_before(self, key: _Key) -> bool:
        digest = hash(key)
        if digest in self._seen:
            return True
        self._seen[digest] = None
        if len(self._seen) > self.remembered:
            self._seen.popitem(last=False)
        return False

    def keep(self, key: _Key, entry: Checked) -> None:
        self._entries[key] = entry
        self._operations.update((id(op), op) for op in _operations(entry.document))
        if len(self._entries) > self.maxsize:
            _, evicted = self._entries.popitem(last=False)
            for op in _operations(evicted.document):
                self._operations.pop(id(op), None)

    def keeps(self, operation: OperationDefinitionNode) -> bool:
        """Whether this operation belongs to a kept document (and so comes back)."""
        return self._operations.get(id(operation)) is operation


def _operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


DOCUMENTS = Documents()


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
    """Use as a factory (`DocumentChecks`): one per request; the cache is module-wide."""

    def __init__(self) -> None:
        super().__init__()
        self.checked: Checked | None = None
        self.admit: _Key | None = None  # a text seen before, to keep once it passes

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            key = (context.query, policy_of(context.context).limits)
            checked = DOCUMENTS.get(key)
            if checked is None:
                checked = Checked(parse_checked(context.query, key[1]))
                if DOCUMENTS.seen_before(key):
                    self.admit = key
            self.checked = checked
            context.graphql_document = checked.document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        assert document is not None
        checked = self.checked if self.checked is not None else Checked(document)
        context.pre_execution_errors = self._errors(checked, context)
        if not context.pre_execution_errors and self.admit is not None:
            DOCUMENTS.keep(self.admit, checked)
        yield

    def _errors(self, checked: Checked, context: Any) -> list[GraphQLError]:
        policy = policy_of(context.context)
        schema = context.schema._schema
        analysis = checked.analyses.get(context.operation_name)
        if analysis is None:
            analysis = analyse(
                schema, checked.document, policy.limits, context.variables, context.operation_name
            )
            if not analysis.per_request:
                checked.analyses[context.operation_name] = analysis
        refused = check_document(analysis, policy.limits)
        if refused:
            return refused
        rules = validation_rules(
            policy.limits.max_field_comparisons,
            introspection_allowed(context.context),
            "$" in (context.query or "$"),
        )
        key = (id(schema), rules, policy.hide_suggestions)
        errors = checked.validations.get(key)
        if errors is None:
            errors = _with_codes(
                validation_cache.validate_document(
                    schema, checked.document, rules, policy.hide_suggestions
                )
            )
            checked.validations[key] = errors
        return errors
