"""Rate limits on HTTP operations, counted in root fields.

One request may ask for many things at once: aliases (`a: signIn(...) b: signIn(...)`) and
fragments make one operation many root fields, and each root field is its own piece of work
(its own resolver, usually its own queries or side effects). So an operation costs its root
fields, counted through fragments and inline fragments; `__typename` is free, and every
operation costs at least 1. Fields with the same response name are merged by GraphQL and run
once, so they count once. `@skip`/`@include` are not evaluated: a skipped field still counts.

Subscriptions are counted where they start, one per `subscribe` message (gateway/ws_limits.py),
so that a refusal is the protocol's `error` message.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
    get_operation_ast,
)
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from gateway.metrics import RATE_LIMIT_REFUSALS
from resolvers.context import RequestContext
from resolvers.rate_limits import take_rate

TOO_MANY_REQUESTS = 429


def root_field_cost(document: DocumentNode, operation_name: str | None) -> int:
    """How many root fields the chosen operation runs (validated documents only: no
    fragment cycles, inline fragments at the root are on the root type)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 1
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    return max(1, len(_root_fields(operation.selection_set, fragments, set(), [])))


def root_field_names(document: DocumentNode, operation_name: str | None) -> set[str]:
    """The names (not the aliases) of the root fields the chosen operation runs."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return set()
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    fields: list[FieldNode] = []
    _root_fields(operation.selection_set, fragments, set(), fields)
    return {field.name.value for field in fields}


def _root_fields(
    selection_set: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    spread: set[str],
    fields: list[FieldNode],
) -> set[str]:
    """Collects the root fields into `fields`; returns their response names."""
    names: set[str] = set()
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value != "__typename":
                names.add((selection.alias or selection.name).value)
                fields.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            names |= _root_fields(selection.selection_set, fragments, spread, fields)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in spread and name in fragments:
                spread.add(name)  # spread again, it would add the same names
                names |= _root_fields(fragments[name].selection_set, fragments, spread, fields)
    return names


class RateLimitExtension(SchemaExtension):
    """Takes the operation's root fields from the viewer's and the client address's buckets
    once the document is parsed and valid, before anything runs; a refused operation runs
    nothing and answers RATE_LIMITED (HTTP 429 with Retry-After)."""

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        document = execution.graphql_document
        if (
            isinstance(context, RequestContext)
            and document is not None
            and execution.operation_type is not OperationType.SUBSCRIPTION
        ):
            cost = root_field_cost(document, execution.operation_name)
            refused = await take_rate(context.services, context.viewer, context.client_ip, cost)
            if refused is not None:
                RATE_LIMIT_REFUSALS.labels("http").inc()
                # A result already in place is what strawberry answers instead of executing.
                error = GraphQLError(refused.message, original_error=refused)
                execution.result = ExecutionResult(data=None, errors=[error])
                if context.response is not None:
                    context.response.status_code = TOO_MANY_REQUESTS
                    context.response.headers["Retry-After"] = str(refused.extensions["retryAfter"])
        yield
