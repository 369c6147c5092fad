"""The executor class: graphql-core's execute_fields with the fast path of plans.py."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    OperationDefinitionNode,
)
from graphql.execution.collect_fields import CollectedFields, GroupedFieldSet
from graphql.execution.executor import invalid_return_type_error
from graphql.pyutils import Path, Undefined
from graphql.pyutils.gather_with_cancel import gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.document_checks import DOCUMENTS
from schema.execution.batches import BatchedLists
from schema.execution.plans import (
    LEAF,
    LIST,
    OBJECT,
    ConvertArguments,
    FieldDetailsList,
    FieldPlan,
    LeafProgram,
    Plans,
    Step,
    leaf_program,
    object_classes,
    plan_fields,
    steps_for,
)
from schema.execution.suggestions import SuggestionsByPolicy

# Per schema, selections collected once for every request of a cached document: bounded,
# and started over when full (documents come and go with the parser cache).
_CACHE_MAX = 4096


@dataclass(frozen=True, slots=True)
class _Collected:
    # The entry keeps its operation and nodes alive, so their ids cannot be reused by
    # another document while it is cached; the identity check on a hit is belt and braces.
    operation: OperationDefinitionNode
    nodes: tuple[FieldNode, ...]
    collected: CollectedFields
    steps: tuple[Step, ...]
    program: LeafProgram | None


class KabinetExecutor(BatchedLists, SuggestionsByPolicy, StrawberryGraphQLCoreExecutionContext):
    """Built per request by graphql-core; the class attributes are set per schema by
    `executor_for`."""

    plans: Plans = {}
    classes: dict[str, type] = {}  # object type name -> the strawberry class behind it
    known: frozenset[type] = frozenset()  # those classes: their objects are never awaitable
    info_class: type = object
    # strawberry's conversion of coerced argument values to the resolver's keywords.
    convert_arguments: ConvertArguments = staticmethod(lambda values, _arguments: values)  # type: ignore[assignment]
    collected_cache: dict[tuple[Any, ...], _Collected] = {}
    steps_cache: dict[int, _Collected] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A schema extension with a `resolve` hook must see every field: no fast path then.
        manager = self.middleware_manager
        self.fast = not (manager is not None and manager.middlewares)
        self._collected_memo: dict[tuple[int, int], tuple[FieldDetailsList, CollectedFields]] = {}

    def collect_subfields(
        self, return_type: GraphQLObjectType, field_details_list: FieldDetailsList
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
            entry = _Collected(self.operation, nodes, collected, steps, leaf_program(steps))
            self.collected_cache[key] = entry
            self.steps_cache[id(grouped)] = entry
        memo[memo_key] = (field_details_list, entry.collected)
        return entry.collected

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        if position_context is not None or not self.fast:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        entry = self.steps_cache.get(id(grouped_field_set))
        if entry is not None and entry.collected.grouped_field_set is grouped_field_set:
            steps = entry.steps
        else:  # the root selection, or one that is not cached
            steps = steps_for(self.plans, parent_type, grouped_field_set, self.convert_arguments)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list, plan, cell in steps:
                if plan is None:
                    result = self.execute_field(
                        parent_type,
                        source_value,
                        field_details_list,
                        _path(path, response_name, parent_type.name),
                        None,
                    )
                    if result is Undefined:
                        continue
                elif plan.leaf_read is not None and (
                    plan.guard is None
                    or plan.guard.allows(self.context_value.viewer, source_value.level)
                ):
                    # The common case inline: a leaf read from the object, a plain value.
                    try:
                        value = plan.leaf_read(source_value)
                    except Exception as raw_error:
                        field_path = _path(path, response_name, parent_type.name)
                        self.handle_field_error(
                            raw_error, plan.field_def.type, field_details_list, field_path
                        )
                        results[response_name] = None
                        continue
                    if value.__class__ in plan.plain_values:
                        coerced = plan.coerce(value)  # type: ignore[misc]
                        if coerced is not None and coerced is not Undefined:
                            results[response_name] = coerced
                            continue
                    result = self._complete(
                        plan,
                        parent_type,
                        field_details_list,
                        path,
                        response_name,
                        value,
                        None,
                        cell,
                    )
                else:
                    result = self._fast_field(
                        plan,
                        parent_type,
                        source_value,
                        field_details_list,
                        path,
                        response_name,
                        cell,
                    )
                results[response_name] = result
                if is_awaitable(result):
                    awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[name] for name in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                name = awaitable_fields[0]
                results[name] = await results[name]
            else:
                awaited = await gather_with_cancel(*(results[n] for n in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

    def _fast_field(
        self,
        plan: FieldPlan,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path | None,
        response_name: str,
        cell: list[Any],
    ) -> Any:
        guard = plan.guard
        field_path = _path(path, response_name, parent_type.name)
        if guard is not None and not guard.allows(self.context_value.viewer, source.level):
            # Refused: the ordinary path raises FORBIDDEN, with its path and extensions.
            return self.execute_field(parent_type, source, field_details_list, field_path, None)
        try:
            arguments = plan.arguments
            if plan.read is not None:
                value = plan.read(source, **arguments) if arguments else plan.read(source)
            else:
                # As strawberry's get_arguments passes them: the object as `self` and/or
                # as `root`/`parent`, the Info where asked for.
                kwargs = dict(arguments) if arguments else {}
                if plan.info_parameter is not None:
                    kwargs[plan.info_parameter] = self._strawberry_info(
                        plan, parent_type, field_details_list, field_path
                    )
                for name in plan.source_keywords:
                    kwargs[name] = source
                call = plan.field.base_resolver.wrapped_func  # type: ignore[union-attr]
                value = call(source, **kwargs) if plan.pass_self else call(**kwargs)
        except Exception as raw_error:
            self.handle_field_error(raw_error, plan.field_def.type, field_details_list, field_path)
            return None
        if plan.is_async:
            return self._complete_awaited(
                plan, parent_type, field_details_list, path, response_name, value, field_path, cell
            )
        return self._complete(
            plan, parent_type, field_details_list, path, response_name, value, field_path, cell
        )

    async def _complete_awaited(
        self,
        plan: FieldPlan,
        parent_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path | None,
        response_name: str,
        awaitable: Awaitable[Any],
        field_path: Path,
        cell: list[Any],
    ) -> Any:
        """An async resolver's value completed as graphql-core's complete_awaitable_value
        does: a raised error is the field's error; then the ordinary completion."""
        try:
            value = await awaitable
        except Exception as raw_error:
            self.handle_field_error(raw_error, plan.field_def.type, field_details_list, field_path)
            return None
        completed = self._complete(
            plan, parent_type, field_details_list, path, response_name, value, field_path, cell
        )
        if self.is_awaitable(completed):
            return await completed
        return completed

    def _complete(
        self,
        plan: FieldPlan,
        parent_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path | None,
        response_name: str,
        value: Any,
        field_path: Path | None,
        cell: list[Any],
    ) -> Any:
        """graphql-core's completion of a field's value, for the kinds the plans allow."""
        if field_path is None:
            field_path = _path(path, response_name, parent_type.name)
        return_type = plan.field_def.type
        try:
            if value is None:
                if plan.non_null:
                    raise _null_error(parent_type, field_details_list)
                return None
            if isinstance(value, Exception):
                raise value  # graphql-core treats a returned error as a raised one
            if (value.__class__ not in self.known and self.is_awaitable(value)) or (
                plan.kind is LIST and not isinstance(value, list)
            ):
                # An awaitable, an async iterable, a tuple or not a list at all.
                return self._general(plan, parent_type, field_details_list, field_path, value)
            if plan.kind is LEAF:
                return _leaf(plan.named_type, value)  # type: ignore[arg-type]
            if plan.kind is OBJECT:
                grouped, defer_usages, program = self._selection(
                    plan.named_type,  # type: ignore[arg-type]
                    field_details_list,
                    cell,
                )
                if program is not None:
                    data = self._run_program(program, plan.named_type, value)  # type: ignore[arg-type]
                    if data is not None:
                        return data
                completed = self._object(
                    plan.named_type,  # type: ignore[arg-type]
                    field_details_list,
                    field_path,
                    value,
                    None if defer_usages else grouped,
                )
            else:
                completed = self._list(
                    plan, parent_type, field_details_list, field_path, value, cell
                )
            if self.is_awaitable(completed):
                return self._settle(completed, return_type, field_details_list, field_path)
            return completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, field_path)
            return None

    def _general(
        self,
        plan: FieldPlan,
        parent_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        field_path: Path,
        value: Any,
    ) -> Any:
        """graphql-core's own completion, as execute_field would do it."""
        return_type = plan.field_def.type
        info = self._resolve_info(plan, parent_type, field_details_list, field_path)
        if self.is_awaitable(value):
            return self.complete_awaitable_value(
                return_type, field_details_list, info, field_path, value, None
            )
        completed = self.complete_value(
            return_type, field_details_list, info, field_path, value, None
        )
        if self.is_awaitable(completed):
            return self._settle(completed, return_type, field_details_list, field_path)
        return completed

    def _selection(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList, cell: list[Any]
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

    def _run_program(
        self, program: LeafProgram, object_type: GraphQLObjectType, value: Any
    ) -> dict[str, Any] | None:
        """The object's answer from its leaf program, or None for anything unusual (a value
        that is not plain, a refused guard, an error): the ordinary path then does it all
        again, and says what went wrong."""
        if value.__class__ is not self.classes.get(object_type.name):
            return None
        data: dict[str, Any] = {}
        viewer = self.context_value.viewer
        try:
            for response_name, read, coerce, plain_values, nullable, guard in program:
                if guard is not None and not guard.allows(viewer, value.level):
                    return None
                item = read(value)
                if item.__class__ in plain_values:
                    coerced = coerce(item)
                    if coerced is None or coerced is Undefined:
                        return None
                    data[response_name] = coerced
                elif item is None and nullable:
                    data[response_name] = None
                else:
                    return None
        except Exception:
            return None
        return data

    def _object(
        self,
        object_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
        value: Any,
        subfields: GroupedFieldSet | None = None,
    ) -> Any:
        """The object's sub-selection; `subfields` when the caller collected it already
        (once for a whole list)."""
        is_type_of = object_type.is_type_of
        # Strawberry's is_type_of is an isinstance check that ignores its info argument;
        # an object of exactly the type's own class passes it.
        if (
            is_type_of is not None
            and value.__class__ is not self.classes.get(object_type.name)
            and not is_type_of(value, None)
        ):
            raise invalid_return_type_error(object_type, value, field_details_list)
        if subfields is None:
            grouped, defer_usages, _ = self.collect_subfields(object_type, field_details_list)
            if defer_usages:
                return self.execute_collected_subfields(
                    object_type, value, path, grouped, defer_usages, None
                )
            subfields = grouped
        return self.execute_fields(object_type, value, path, subfields, None)

    def _list(
        self,
        plan: FieldPlan,
        parent_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
        items: list[Any],
        cell: list[Any],
    ) -> Any:
        named: Any = plan.named_type
        leaf = not isinstance(named, GraphQLObjectType)
        subfields = None
        program = None
        if not leaf:
            grouped, defer_usages, program = self._selection(named, field_details_list, cell)
            subfields = None if defer_usages else grouped
        if subfields is not None and program is None and self.batchable(named, subfields, items):
            return self.batched_list(
                named,
                subfields,
                items,
                path,
                lambda: self._list_depth_first(
                    plan, parent_type, field_details_list, path, items, named, subfields, program
                ),
            )
        return self._list_depth_first(
            plan, parent_type, field_details_list, path, items, named, subfields, program
        )

    def _list_depth_first(
        self,
        plan: FieldPlan,
        parent_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
        items: list[Any],
        named: Any,
        subfields: GroupedFieldSet | None,
        program: LeafProgram | None,
    ) -> Any:
        item_type: Any = plan.item_type
        leaf = not isinstance(named, GraphQLObjectType)
        is_awaitable = self.is_awaitable
        known = self.known
        completed: list[Any] = []
        pending: list[int] = []
        try:
            for index, item in enumerate(items):
                item_path = _path(path, index, None)
                try:
                    if item is None:
                        if plan.item_non_null:
                            raise _null_error(parent_type, field_details_list)
                        completed.append(None)
                        continue
                    if item.__class__ not in known and is_awaitable(item):
                        info = self._resolve_info(plan, parent_type, field_details_list, path)
                        completed.append(
                            self.complete_awaitable_list_item_value(
                                item, item_type, field_details_list, info, item_path, None
                            )
                        )
                        pending.append(index)
                        continue
                    if isinstance(item, Exception):
                        raise item
                    if leaf:
                        completed.append(_leaf(named, item))
                        continue
                    if program is not None:
                        data = self._run_program(program, named, item)
                        if data is not None:
                            completed.append(data)
                            continue
                    value = self._object(named, field_details_list, item_path, item, subfields)
                    if is_awaitable(value):
                        value = self._settle(value, item_type, field_details_list, item_path)
                        pending.append(index)
                    completed.append(value)
                except Exception as raw_error:
                    # Raises again when the item type is non-null: the list itself is null.
                    self.handle_field_error(raw_error, item_type, field_details_list, item_path)
                    completed.append(None)
        except Exception:
            if pending:
                self.settle_in_background([completed[i] for i in pending])
            raise
        if not pending:
            return completed

        async def get_completed() -> list[Any]:
            if len(pending) == 1:
                completed[pending[0]] = await completed[pending[0]]
            else:
                awaited = await gather_with_cancel(*(completed[i] for i in pending))
                for index, value in zip(pending, awaited, strict=True):
                    completed[index] = value
            return completed

        return get_completed()

    async def _settle(
        self,
        awaitable: Awaitable[Any],
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        try:
            return await awaitable
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None

    def _resolve_info(
        self,
        plan: FieldPlan,
        parent_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        """graphql-core's info object, made only where a resolver or completion needs it."""
        nodes = [d.node for d in field_details_list]
        return self.build_resolve_info(plan.field_def, nodes, parent_type, path)

    def _strawberry_info(
        self,
        plan: FieldPlan,
        parent_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        info = self._resolve_info(plan, parent_type, field_details_list, path)
        return self.info_class(_raw_info=info, _field=plan.field)


def _path(prev: Path | None, key: str | int, typename: str | None) -> Path:
    # Path is a NamedTuple: its generated __new__ is one Python call more per path.
    return tuple.__new__(Path, (prev, key, typename))  # type: ignore[type-var]


def _null_error(parent_type: GraphQLObjectType, field_details_list: FieldDetailsList) -> TypeError:
    # graphql-core's own message, so an answer reads the same on either path.
    field_name = field_details_list[0].node.name.value
    return TypeError(f"Cannot return null for non-nullable field {parent_type}.{field_name}.")


def _leaf(leaf_type: GraphQLLeafType, value: Any) -> Any:
    coerced = leaf_type.coerce_output_value(value)
    if coerced is Undefined or coerced is None:
        # graphql-core's complete_leaf_value raises the error it would have raised.
        return KabinetExecutor.complete_leaf_value(leaf_type, value)
    return coerced


def executor_for(
    schema: GraphQLSchema,
    info_class: type,
    default_resolver: Any,
    convert_arguments: ConvertArguments,
) -> type:
    """The executor class for one schema, carrying that schema's plans and caches."""
    classes = object_classes(schema)
    return type(
        "KabinetExecutor",
        (KabinetExecutor,),
        {
            "plans": plan_fields(schema, default_resolver),
            "classes": classes,
            "known": frozenset(classes.values()),
            "info_class": info_class,
            "convert_arguments": staticmethod(convert_arguments),
            "collected_cache": {},
            "steps_cache": {},
        },
    )
