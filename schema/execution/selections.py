"""What a selection asks for, collected once: graphql-core's collect_subfields memoised
across the requests of a kept document, with the steps (plans.py) of each selection."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import FieldNode, GraphQLObjectType, OperationDefinitionNode
from graphql.execution.collect_fields import CollectedFields, GroupedFieldSet

from schema.document_checks import DOCUMENTS
from schema.execution.plans import (
    FieldDetailsList,
    LeafProgram,
    Step,
    leaf_program,
    steps_for,
)

if TYPE_CHECKING:
    from schema.execution.executor import KabinetExecutor

# Per schema, selections collected once for every request of a cached document: bounded,
# and started over when full (documents come and go with the parser cache).
_CACHE_MAX = 4096


@dataclass(frozen=True, slots=True)
class Collected:
    # The entry keeps its operation and nodes alive, so their ids cannot be reused by
    # another document while it is cached; the identity check on a hit is belt and braces.
    operation: OperationDefinitionNode
    nodes: tuple[FieldNode, ...]
    collected: CollectedFields
    steps: tuple[Step, ...]
    program: LeafProgram | None


class CachedSelections:
    """Mixed into KabinetExecutor: the selections of kept documents, collected once."""

    def collect_subfields(
        self: KabinetExecutor, return_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> CollectedFields:
        # graphql-core memoises this per request; a kept document (one that came back,
        # schema/document_checks.py) selects the same on every request, so it is memoised
        # across requests too, whenever nothing but the document decides it (no
        # variables, no @defer, no fragment arguments).
        # Keyed by ids (hashing a GraphQL type hashes more than its identity); the value
        # keeps the field details alive so that their id is not reused in this request.
        memo = self._collected_memo
        memo_key = (id(return_type), id(field_details_list))
        cached = memo.get(memo_key)
        if cached is not None:
            return cached[1]
        if (
            self.operation.variable_definitions
            or not DOCUMENTS.keeps(self.operation)  # a document that may not come back
            or any(
                d.defer_usage is not None or d.fragment_variable_values is not None
                for d in field_details_list
            )
        ):
            collected = super().collect_subfields(return_type, field_details_list)
            memo[memo_key] = (field_details_list, collected)
            return collected
        nodes = tuple(d.node for d in field_details_list)
        key = (return_type.name, id(self.operation), *map(id, nodes))
        entry = self.collected_cache.get(key)
        if entry is None or entry.operation is not self.operation or entry.nodes != nodes:
            collected = super().collect_subfields(return_type, field_details_list)
            if collected.new_defer_usages or collected.forbidden_directive_instances:
                memo[memo_key] = (field_details_list, collected)
                return collected
            if len(self.collected_cache) >= _CACHE_MAX:
                self.collected_cache.clear()
                self.steps_cache.clear()
            grouped = collected.grouped_field_set
            steps = steps_for(self.plans, return_type, grouped, self.convert_arguments)
            entry = Collected(self.operation, nodes, collected, steps, leaf_program(steps))
            self.collected_cache[key] = entry
            self.steps_cache[id(grouped)] = entry
        memo[memo_key] = (field_details_list, entry.collected)
        return entry.collected

    def _selection(
        self: KabinetExecutor,
        object_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        cell: list[Any],
    ) -> tuple[GroupedFieldSet, list[Any], LeafProgram | None]:
        """The sub-selection of an object field and its leaf program if it has one, kept in
        the step's cell: a cached step's field selects the same on every request."""
        if cell[0] is not None:
            return cell[0]  # type: ignore[no-any-return]
        grouped, defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        entry = self.steps_cache.get(id(grouped))
        cached = entry is not None and entry.collected.grouped_field_set is grouped
        cell[0] = (grouped, defer_usages, entry.program if cached else None)  # type: ignore[union-attr]
        return cell[0]  # type: ignore[no-any-return]

    def steps_of(
        self: KabinetExecutor, object_type: GraphQLObjectType, grouped: GroupedFieldSet
    ) -> tuple[Step, ...]:
        """The steps of a selection: the cached ones of a kept document, else made now."""
        entry = self.steps_cache.get(id(grouped))
        if entry is not None and entry.collected.grouped_field_set is grouped:
            return entry.steps
        return steps_for(self.plans, object_type, grouped, self.convert_arguments)
