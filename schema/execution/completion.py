"""Completing a field's value into its answer, as graphql-core's complete_value does, for
the kinds of value the plans allow: leaves, objects (by their leaf program or their
selection), lists of them (breadth-first when batches.py can, else item by item)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from graphql import GraphQLLeafType, GraphQLObjectType, GraphQLOutputType
from graphql.execution.collect_fields import GroupedFieldSet
from graphql.execution.executor import Executor, invalid_return_type_error
from graphql.pyutils import Path, Undefined
from graphql.pyutils.gather_with_cancel import gather_with_cancel

from schema.execution.plans import LEAF, LIST, OBJECT, FieldDetailsList, FieldPlan, LeafProgram

if TYPE_CHECKING:
    from schema.execution.executor import KabinetExecutor


class GiveUp(Exception):
    """Raised by the breadth-first path (batches.py) for anything it does not decide: the
    ordinary, depth-first way then does the list again."""


class ValueCompletion:
    """Mixed into KabinetExecutor: from a resolver's value to the field's answer."""

    def _complete(
        self: KabinetExecutor,
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
            field_path = child_path(path, response_name, parent_type.name)
        return_type = plan.field_def.type
        try:
            if value is None:
                if plan.non_null:
                    raise null_error(parent_type, field_details_list)
                return None
            if isinstance(value, Exception):
                raise value  # graphql-core treats a returned error as a raised one
            if (value.__class__ not in self.known and self.is_awaitable(value)) or (
                plan.kind is LIST and not isinstance(value, list)
            ):
                # An awaitable, an async iterable, a tuple or not a list at all.
                return self._general(plan, parent_type, field_details_list, field_path, value)
            if plan.kind is LEAF:
                return leaf_value(plan.named_type, value)  # type: ignore[arg-type]
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
        self: KabinetExecutor,
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

    def _run_program(
        self: KabinetExecutor, program: LeafProgram, object_type: GraphQLObjectType, value: Any
    ) -> dict[str, Any] | None:
        """The object's answer from its leaf program, or None for anything unusual (a value
        that is not plain, a refused guard, an error): the ordinary path then does it all
        again, and says what went wrong."""
        if value.__class__ is not self.classes.get(object_type.name):
            return None
        try:
            return self.program_columns(program, [value])[0]
        except GiveUp:
            return None

    def _object(
        self: KabinetExecutor,
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
        self: KabinetExecutor,
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
        if program is not None and self.batchable(named, items):
            try:
                return self.program_columns(program, items)
            except GiveUp:
                pass  # the depth-first way says what is wrong
        elif subfields is not None and self.batchable(named, items):
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
        self: KabinetExecutor,
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
                item_path = child_path(path, index, None)
                try:
                    if item is None:
                        if plan.item_non_null:
                            raise null_error(parent_type, field_details_list)
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
                        completed.append(leaf_value(named, item))
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
        self: KabinetExecutor,
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


def child_path(prev: Path | None, key: str | int, typename: str | None) -> Path:
    # Path is a NamedTuple: its generated __new__ is one Python call more per path.
    return tuple.__new__(Path, (prev, key, typename))  # type: ignore[type-var]


def null_error(parent_type: GraphQLObjectType, field_details_list: FieldDetailsList) -> TypeError:
    # graphql-core's own message, so an answer reads the same on either path.
    field_name = field_details_list[0].node.name.value
    return TypeError(f"Cannot return null for non-nullable field {parent_type}.{field_name}.")


def leaf_value(leaf_type: GraphQLLeafType, value: Any) -> Any:
    coerced = leaf_type.coerce_output_value(value)
    if coerced is Undefined or coerced is None:
        # graphql-core's complete_leaf_value raises the error it would have raised.
        return Executor.complete_leaf_value(leaf_type, value)
    return coerced
