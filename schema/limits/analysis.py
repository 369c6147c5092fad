"""Depth, aliases, directives and cost of a parsed document, in one pass over it.

Each fragment is analysed once and its totals remembered, wherever and however often it is
spread: a chain of fragments each spreading the next twice costs as much to analyse as
it is long, though expanding it would double with every link. Totals are what the
document amounts to once expanded (a fragment spread twice counts twice), capped just
above their limit so that the arithmetic stays small.

Cost: every field costs 1; a list field multiplies the cost of what it selects by its
`first` (or `last`) argument, or else by the list's expected size (`LIST_SIZES`); the
`nodes` and `edges` of a connection are already multiplied by the connection's `first`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)

from resolvers.policy import DocumentLimits
from schema.limits.errors import limit_error

# How many items a list without `first` is expected to hold: what one family or the
# catalogue holds in practice. A list not named here counts DEFAULT_LIST_SIZE.
LIST_SIZES: Mapping[tuple[str, str], int] = {
    ("Viewer", "accounts"): 3,
    ("Viewer", "numbers"): 10,
    ("Account", "numbers"): 5,
    ("Number", "grants"): 5,
    ("Account", "children"): 2,
    ("Query", "tariffs"): 20,
    ("Query", "services"): 30,
    ("Viewer", "paymentCards"): 5,
    ("Number", "allowances"): 3,  # one per kind: minutes, SMS, data
    ("Number", "recommendedTariffs"): 7,  # at most the catalogue's choosable tariffs
    ("Service", "compatibleTariffs"): 8,
    ("Service", "excludes"): 2,
    ("Operation", "droppedServices"): 2,
}
DEFAULT_LIST_SIZE = 10
_PAGE_ARGUMENTS = ("first", "last")


@dataclass(frozen=True)
class Totals:
    depth: int = 0
    aliases: int = 0
    directives: int = 0
    cost: int = 0


_NOTHING = Totals()


class _Analysis:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        limits: DocumentLimits,
        variables: Mapping[str, Any] | None,
    ) -> None:
        self.schema = schema
        self.variables = variables or {}
        self.fragments = {
            node.name.value: node
            for node in document.definitions
            if isinstance(node, FragmentDefinitionNode)
        }
        self.memo: dict[str, Totals] = {}
        # Caps just above each limit: past it the exact figure no longer matters.
        self.caps = Totals(
            limits.max_depth + 1,
            limits.max_aliases + 1,
            limits.max_directives + 1,
            limits.max_cost + 1,
        )
        self.uses_variables = False  # a `first: $n` makes the cost depend on the request

    def operation(self, node: OperationDefinitionNode) -> Totals:
        root = self.schema.get_root_type(node.operation)
        own = len(node.directives or ())
        totals = self.selection_set(node.selection_set, root)
        return self._cap(Totals(totals.depth, totals.aliases, totals.directives + own, totals.cost))

    def fragment(self, name: str) -> Totals:
        """A spread's totals. Fragments are computed dependencies first (`analyse`), so a
        spread finds its fragment done, unless it closes a cycle or names no fragment:
        then it counts nothing, and validation refuses the document in its own words."""
        return self.memo.get(name, _NOTHING)

    def compute_fragment(self, name: str) -> None:
        node = self.fragments[name]
        parent = self.schema.get_type(node.type_condition.name.value)
        totals = self.selection_set(node.selection_set, parent)
        self.memo[name] = self._cap(
            Totals(
                totals.depth,
                totals.aliases,
                totals.directives + len(node.directives or ()),
                totals.cost,
            )
        )

    def selection_set(self, node: SelectionSetNode, parent: GraphQLNamedType | None) -> Totals:
        depth = aliases = directives = cost = 0
        fields = getattr(parent, "fields", None) or {}
        for selection in node.selections:
            directives += len(selection.directives or ())
            if isinstance(selection, FieldNode):
                if selection.alias is not None:
                    aliases += 1
                field = fields.get(selection.name.value)
                if selection.selection_set is None:
                    depth = max(depth, 1)
                    cost += 1
                    continue
                child_type = get_named_type(field.type) if field is not None else None
                sub = self.selection_set(selection.selection_set, child_type)
                depth = max(depth, 1 + sub.depth)
                aliases += sub.aliases
                directives += sub.directives
                cost += 1 + self._multiplier(selection, parent, field) * sub.cost
            else:
                if isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    inner = self.schema.get_type(condition.name.value) if condition else parent
                    sub = self.selection_set(selection.selection_set, inner)
                else:
                    assert isinstance(selection, FragmentSpreadNode)
                    sub = self.fragment(selection.name.value)
                depth = max(depth, sub.depth)
                aliases += sub.aliases
                directives += sub.directives
                cost += sub.cost
        return self._cap(Totals(depth, aliases, directives, cost))

    def _multiplier(self, node: FieldNode, parent: GraphQLNamedType | None, field: Any) -> int:
        if field is None or parent is None:
            return 1
        for argument in node.arguments or ():
            if argument.name.value in _PAGE_ARGUMENTS:
                return self._page_size(argument.value, field.args[argument.name.value])
        for name in _PAGE_ARGUMENTS:
            definition = field.args.get(name)
            if definition is not None and isinstance(definition.default_value, int):
                return max(0, definition.default_value)
        if is_list_type(get_nullable_type(field.type)):
            if parent.name.endswith(("Connection", "Page")):
                return 1  # its connection's `first` already multiplied it
            return LIST_SIZES.get((parent.name, node.name.value), DEFAULT_LIST_SIZE)
        return 1

    def _page_size(self, value: Any, definition: Any) -> int:
        if isinstance(value, IntValueNode):
            return min(max(0, int(value.value)), self.caps.cost)
        if isinstance(value, VariableNode):
            self.uses_variables = True
            given = self.variables.get(value.name.value)
            if isinstance(given, int) and not isinstance(given, bool):
                return min(max(0, given), self.caps.cost)
            if isinstance(definition.default_value, int):
                return max(0, definition.default_value)
        return 1  # not a whole number: coercion refuses it

    def _cap(self, totals: Totals) -> Totals:
        caps = self.caps
        return Totals(
            min(totals.depth, caps.depth),
            min(totals.aliases, caps.aliases),
            min(totals.directives, caps.directives),
            min(totals.cost, caps.cost),
        )


@dataclass(frozen=True)
class Analysis:
    """The totals of the operation that runs; `per_request` when they depend on
    variables (then they are not cached with the document)."""

    totals: Totals
    per_request: bool


def analyse(
    schema: GraphQLSchema,
    document: DocumentNode,
    limits: DocumentLimits,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> Analysis:
    """The largest totals over the document's operations (the one named, if named): one
    request runs one operation, but which one is settled later, so every one must fit."""
    analysis = _Analysis(schema, document, limits, variables)
    # Fragments first, those spread by others before them: every spread then finds its
    # totals remembered, and no chain of fragments, however long, recurses.
    for name in _dependencies_first(analysis.fragments):
        analysis.compute_fragment(name)
    worst = _NOTHING
    for node in document.definitions:
        if isinstance(node, OperationDefinitionNode):
            if operation_name and node.name and node.name.value != operation_name:
                continue
            totals = analysis.operation(node)
            worst = Totals(
                max(worst.depth, totals.depth),
                max(worst.aliases, totals.aliases),
                max(worst.directives, totals.directives),
                max(worst.cost, totals.cost),
            )
    return Analysis(worst, analysis.uses_variables)


def _spreads(node: SelectionSetNode) -> list[str]:
    names: list[str] = []
    pending = [node]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                names.append(selection.name.value)
            elif selection.selection_set is not None:
                pending.append(selection.selection_set)
    return names


def _dependencies_first(fragments: Mapping[str, FragmentDefinitionNode]) -> list[str]:
    """Post-order of the spread graph, without recursion; a cycle is cut where it closes
    (validation reports it)."""
    spreads = {name: _spreads(node.selection_set) for name, node in fragments.items()}
    order: list[str] = []
    seen: set[str] = set()
    for start in fragments:
        if start in seen:
            continue
        seen.add(start)
        stack = [(start, iter(spreads[start]))]
        while stack:
            name, children = stack[-1]
            for child in children:
                if child in fragments and child not in seen:
                    seen.add(child)
                    stack.append((child, iter(spreads[child])))
                    break
            else:
                stack.pop()
                order.append(name)
    return order


def check_document(analysis: Analysis, limits: DocumentLimits) -> list[GraphQLError]:
    totals = analysis.totals
    errors = []
    if totals.depth > limits.max_depth:
        errors.append(
            limit_error("GRAPHQL_MAX_DEPTH", limits.max_depth, "The query is nested too deeply")
        )
    if totals.aliases > limits.max_aliases:
        errors.append(
            limit_error("GRAPHQL_MAX_ALIASES", limits.max_aliases, "The query has too many aliases")
        )
    if totals.directives > limits.max_directives:
        errors.append(
            limit_error(
                "GRAPHQL_MAX_DIRECTIVES", limits.max_directives, "The query has too many directives"
            )
        )
    if totals.cost > limits.max_cost:
        errors.append(
            limit_error(
                "GRAPHQL_MAX_COST",
                limits.max_cost,
                "The query would cost too much: each field counts 1, a list multiplies what "
                "it selects by its `first` or its expected size",
            )
        )
    return errors
